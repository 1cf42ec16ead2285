import type { TypedArray } from '../dtype.js';

/**
 * One Adam/AdamW update over every element of `p`, in place — the training case, without AMSGrad
 * or an L2 term (`@attnkit/training`'s `Adam`/`AdamW` call it; PyTorch 1.13 `_single_tensor_adamw`):
 *
 *   m = β1·m + (1 − β1)·g;   v = β2·v + (1 − β2)·g·g   (stored in the parameter's dtype, read back)
 *   p = p·shrink − stepSize·m / (√v / bc2Sqrt + eps)
 *
 * with shrink = 1 − lr·λ (AdamW; 1 for Adam), stepSize = lr / (1 − β1ᵗ) and bc2Sqrt = √(1 − β2ᵗ),
 * in float64, each result rounded once by its store. `p`, `m` and `v` have one dtype and length;
 * `g` at least that length.
 */
export function adamStepKernel(
  p: Float32Array | Float64Array,
  g: TypedArray,
  m: Float32Array | Float64Array,
  v: Float32Array | Float64Array,
  beta1: number,
  beta2: number,
  shrink: number,
  stepSize: number,
  bc2Sqrt: number,
  eps: number,
): void {
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    m[i] = beta1 * m[i]! + c1 * gi;
    v[i] = beta2 * v[i]! + c2 * gi * gi;
    p[i] = p[i]! * shrink - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
  }
}
