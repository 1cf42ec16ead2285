import { getBackend, InvalidArgumentError, type TypedArray } from '@attnkit/tensor';
import type { FloatArray, ParamState } from '../optimizer.js';
import { checkNonNegative, checkUnitInterval } from './check.js';
import { stateBuffer } from './state-buffer.js';

/** Hyperparameters of Adam and AdamW other than `lr`. */
export interface AdamHyper {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

/** Adam's per-parameter buffers (PyTorch `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`). */
export const ADAM_BUFFERS = ['expAvg', 'expAvgSq', 'maxExpAvgSq'] as const;

/**
 * One Adam/AdamW step on one parameter, in place (PyTorch 1.13 `_single_tensor_adam` /
 * `_single_tensor_adamw`). `decoupled` selects AdamW: the parameter shrinks by `1 − lr·λ` instead
 * of `λ·p` being added to the gradient.
 */
export function adamUpdate(
  p: FloatArray,
  g: TypedArray,
  state: ParamState,
  lr: number,
  h: AdamHyper,
  decoupled: boolean,
): void {
  const [beta1, beta2] = h.betas;
  const { eps, weightDecay, amsgrad } = h;
  const m = stateBuffer(state, 'expAvg', p);
  const v = stateBuffer(state, 'expAvgSq', p);
  const vMax = amsgrad ? stateBuffer(state, 'maxExpAvgSq', p) : null;
  state.step += 1;
  const t = state.step;
  const biasCorrection1 = 1 - beta1 ** t;
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** t);
  const stepSize = lr / biasCorrection1;
  const shrink = decoupled ? 1 - lr * weightDecay : 1;
  const l2 = decoupled ? 0 : weightDecay;
  const n = p.length;
  if (vMax === null && l2 === 0) {
    // AdamW (and Adam without weight decay or AMSGrad), the training case: the same arithmetic
    // without the per-element L2 and AMSGrad branches, as the backend's kernel (in WebAssembly
    // for float32 on the wasm backend).
    getBackend().adamStep(p, g, m, v, beta1, beta2, shrink, stepSize, biasCorrection2Sqrt, eps);
    return;
  }
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    const gi = l2 !== 0 ? g[i]! + l2 * pi : g[i]!;
    // m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²  (stored in the parameter's dtype, then read back).
    m[i] = beta1 * m[i]! + (1 - beta1) * gi;
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    let vi = v[i]!;
    if (vMax !== null) {
      if (vi > vMax[i]! || Number.isNaN(vi)) vMax[i] = vi;
      vi = vMax[i]!;
    }
    // p = p·(1 − lr·λ)? − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
    const denom = Math.sqrt(vi) / biasCorrection2Sqrt + eps;
    p[i] = pi * shrink - (stepSize * m[i]!) / denom;
  }
}

/**
 * Validates Adam/AdamW options (PyTorch's checks: 0 ≤ lr, 0 ≤ eps, 0 ≤ βᵢ < 1, 0 ≤ λ).
 * @throws {@link InvalidArgumentError} naming the option.
 */
export function normalizeAdam(
  op: string,
  options: Readonly<Record<string, unknown>>,
  defaultWeightDecay: number,
): AdamHyper {
  const betas = options.betas ?? [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new InvalidArgumentError(`${op}: betas must be a pair [beta1, beta2]; got ${String(betas)}.`);
  }
  const beta1 = checkUnitInterval(op, 'betas[0]', betas[0] as number);
  const beta2 = checkUnitInterval(op, 'betas[1]', betas[1] as number);
  const eps = checkNonNegative(op, 'eps', (options.eps ?? 1e-8) as number);
  const weightDecay = checkNonNegative(
    op,
    'weightDecay',
    (options.weightDecay ?? defaultWeightDecay) as number,
  );
  const amsgrad = options.amsgrad ?? false;
  if (typeof amsgrad !== 'boolean') {
    throw new InvalidArgumentError(`${op}: amsgrad must be a boolean; got ${String(amsgrad)}.`);
  }
  return { betas: [beta1, beta2], eps, weightDecay, amsgrad };
}
