import type { Tensor } from '@attnkit/tensor';
import { AdamBase } from './internal/adam-base.js';

/** Options of {@link Adam} and {@link AdamW} (PyTorch keywords in camelCase). */
export interface AdamOptions {
  /** Learning rate; default 1e-3. */
  lr?: number;
  /** Decay rates (β1, β2) of the first and second moment estimates; default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Added to the denominator for stability; default 1e-8. */
  eps?: number;
  /** Weight decay λ; default 0 for Adam (L2, added to the gradient), 1e-2 for AdamW (decoupled). */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad); default false. */
  amsgrad?: boolean;
}

/**
 * Adam with PyTorch's update rule and defaults (L2 weight decay added to the gradient, optional
 * AMSGrad), so trajectories match `torch.optim.Adam` step for step.
 *
 * Shapes: each parameter is updated in place; its gradient has its shape
 *
 * At step t, for a parameter with gradient g: `g = g + λ·p`; `m = β1·m + (1 − β1)·g`;
 * `v = β2·v + (1 − β2)·g²` (AMSGrad: `v̂ = max(v̂, v)`);
 * `p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)`.
 *
 * @param params - The parameters to update (e.g. `model.parameters()`); mutated by `step()`.
 * @param options - `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (0), `amsgrad` (false).
 * @throws {@link InvalidArgumentError} if `params` is empty or holds something other than a leaf tensor with
 *   `requiresGrad` (a Parameter or e.g. `randn(shape, { requiresGrad: true })`) or a duplicate,
 *   `lr`, `eps` or `weightDecay` is negative or not finite, a beta lies outside [0, 1), or `betas`
 *   is not a pair.
 * @throws {@link InvalidArgumentError} for an unknown option (`beta1` → `betas`) or an option of the wrong type.
 * @remarks eps is added after the square root and the bias correction, exactly where PyTorch adds
 *   it. Per-element arithmetic is in float64 (JS numbers); the moment buffers have the parameter's
 *   dtype and are read back after rounding, as PyTorch's are. Each parameter counts its own steps;
 *   one whose `grad` is `null` is skipped.
 * @see Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"; Reddi et al. 2018
 *   (AMSGrad); PyTorch `torch.optim.Adam` (1.13 `_single_tensor_adam`); D2L §12.10 "Adam".
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
 * optimizer.zeroGrad();
 * const loss = mseLoss(model.forward(tensor([[1, 2], [3, 4]])), tensor([[1], [2]]));
 * loss.backward();
 * optimizer.step();
 * ```
 */
export class Adam extends AdamBase {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super('Adam', params, options, 0, false);
  }

  /** L2 penalty λ. */
  override get weightDecay(): number {
    return super.weightDecay;
  }
}
