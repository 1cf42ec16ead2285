import { checkOptions, createView, fromNdarray, InvalidArgumentError, Tensor } from '@attnkit/tensor';
import { checkNonNegative, describe } from './internal/check.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** The p of the p-norm: a number > 0 or `Infinity` (max-abs); default 2. */
  normType?: number;
}

/**
 * Rescales the gradients of `parameters` so that their joint p-norm is at most `maxNorm`, and
 * returns the norm before clipping (PyTorch `torch.nn.utils.clip_grad_norm_`).
 *
 * Shapes: gradients keep their shapes
 *
 * The total norm is `(Σ |g|ᵖ)^(1/p)` over every element of every gradient, as if concatenated
 * (max |g| for p = ∞); every gradient is multiplied by `min(1, maxNorm / (total + 1e-6))`.
 *
 * @param parameters - Tensors whose `.grad` to clip (e.g. `model.parameters()`); those with
 *   `grad === null` are ignored.
 * @param maxNorm - The largest allowed total norm, ≥ 0.
 * @param options - `normType` (default 2).
 * @returns The total norm of the gradients before clipping (0 if none has a gradient); NaN or
 *   Infinity if a gradient is not finite (the gradients are then scaled by NaN, as in PyTorch).
 * @throws {@link InvalidArgumentError} if `maxNorm` is negative or not finite, `normType` is not
 *   a number > 0, or `parameters` holds something that is not a Tensor.
 * @remarks The norm is accumulated in float64. Gradients are scaled in place, as in PyTorch (so
 *   a training loop keeps reusing their storage), when each is a contiguous view of storage no
 *   other gradient shares; otherwise (gradients set by hand to views of one buffer) each `.grad`
 *   is replaced by a scaled copy, since scaling shared storage twice would be wrong.
 * @see PyTorch `torch.nn.utils.clip_grad_norm_`; Pascanu et al. 2013, "On the difficulty of
 *   training recurrent neural networks"; D2L §9.5.3 "Gradient Clipping".
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * const loss = mseLoss(model.forward(tensor([[1, 2], [3, 4]])), tensor([[1], [2]]));
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm(
  parameters: Iterable<Tensor>,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  const op = 'clipGradNorm';
  checkOptions(op, options, { normType: 'number' }, { usage: 'clipGradNorm(params, 1, { normType: 2 })' });
  checkNonNegative(op, 'maxNorm', maxNorm);
  const p = options.normType ?? 2;
  if (typeof p !== 'number' || !(p > 0)) {
    throw new InvalidArgumentError(`${op}: normType must be a number > 0 or Infinity; got ${String(p)}.`);
  }
  const withGrad: Tensor[] = [];
  let index = 0;
  for (const t of parameters) {
    if (!(t instanceof Tensor)) {
      throw new InvalidArgumentError(`${op}: parameters[${index}] must be a Tensor; got ${describe(t)}.`);
    }
    if (t.grad !== null) withGrad.push(t);
    index++;
  }
  if (withGrad.length === 0) return 0;

  let acc = 0; // Σ|g|ᵖ, or max|g| for p = ∞, in float64
  for (const t of withGrad) {
    const g = (t.grad as Tensor).toTypedArray();
    if (p === 2) {
      // The default norm in its own loop (two partial sums, no per-element branch on p).
      let s0 = 0;
      let s1 = 0;
      const even = g.length - (g.length % 2);
      for (let i = 0; i < even; i += 2) {
        s0 += g[i]! * g[i]!;
        s1 += g[i + 1]! * g[i + 1]!;
      }
      if (even < g.length) s0 += g[even]! * g[even]!;
      acc += s0 + s1;
      continue;
    }
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]!);
      if (p === Number.POSITIVE_INFINITY) acc = a > acc || Number.isNaN(a) ? a : acc;
      else acc += p === 1 ? a : a ** p;
    }
  }
  const total =
    p === Number.POSITIVE_INFINITY ? acc : p === 2 ? Math.sqrt(acc) : p === 1 ? acc : acc ** (1 / p);
  const coef = Math.min(1, maxNorm / (total + 1e-6)); // NaN stays NaN, as torch.clamp keeps it
  if (coef === 1) return total; // × 1 changes no bit
  const buffers = new Set<ArrayBufferLike>();
  let inPlace = true;
  for (const t of withGrad) {
    const grad = t.grad as Tensor;
    const buffer = grad.nd.data.buffer;
    if (!grad.isContiguous() || buffers.has(buffer)) inPlace = false;
    buffers.add(buffer);
  }
  if (inPlace) {
    for (const t of withGrad) {
      const g = (t.grad as Tensor).toTypedArray();
      for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * coef;
    }
    return total;
  }
  for (const t of withGrad) {
    const grad = t.grad as Tensor;
    const g = grad.toTypedArray();
    const scaled = grad.dtype === 'float64' ? new Float64Array(g.length) : new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) scaled[i] = g[i]! * coef;
    t.grad = fromNdarray(createView(scaled, grad.shape));
  }
  return total;
}
