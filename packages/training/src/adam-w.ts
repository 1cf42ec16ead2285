import type { Tensor } from '@attnkit/tensor';
import type { AdamOptions } from './adam.js';
import { AdamBase } from './internal/adam-base.js';

/**
 * AdamW: Adam with decoupled weight decay, with PyTorch's update rule and defaults (λ = 1e-2), so
 * trajectories match `torch.optim.AdamW` step for step.
 *
 * Shapes: each parameter is updated in place; its gradient has its shape
 *
 * At step t: `p = p·(1 − lr·λ)`, then the Adam update with the raw gradient:
 * `m = β1·m + (1 − β1)·g`; `v = β2·v + (1 − β2)·g²` (AMSGrad: `v̂ = max(v̂, v)`);
 * `p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)`.
 *
 * @param params - The parameters to update (e.g. `model.parameters()`); mutated by `step()`.
 * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (1e-2), `amsgrad` (false).
 * @throws {@link InvalidArgumentError} if `params` is empty or holds something other than a leaf tensor with
 *   `requiresGrad` (a Parameter or e.g. `randn(shape, { requiresGrad: true })`) or a duplicate,
 *   `lr`, `eps` or `weightDecay` is negative or not finite, a beta lies outside [0, 1), or `betas`
 *   is not a pair.
 * @remarks The decay multiplies the parameter before the moment update, as PyTorch does; it is
 *   scaled by the current (scheduled) `lr`. Arithmetic as in {@link Adam}.
 * @see Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization"; PyTorch
 *   `torch.optim.AdamW` (1.13 `_single_tensor_adamw`).
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const optimizer = new AdamW(model.parameters(), { lr: 3e-4, weightDecay: 0.1 });
 * ```
 */
export class AdamW extends AdamBase {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('AdamW', params, options, 1e-2, true);
  }

  /** Decoupled weight decay λ. */
  override get weightDecay(): number {
    return super.weightDecay;
  }
}
