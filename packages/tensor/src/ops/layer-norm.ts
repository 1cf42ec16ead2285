import '../kernels/js/layer-norm.js';
import { record } from '../autograd/record.js';
import { allocate, allocateUninitialized, type DType, promoteTypes, toFloating } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { expectTensor } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import { shapeSize, shapesEqual } from '../shape.js';
import { fromData, type Tensor } from '../tensor.js';

/**
 * Layer normalisation over the trailing `normalizedShape` axes: (x − μ)/√(σ² + eps)·weight + bias,
 * with μ and the biased variance σ² taken over those axes (PyTorch `F.layer_norm`).
 *
 * Shapes: x (..., ...normalizedShape), weight (...normalizedShape), bias (...normalizedShape) -> x's shape
 *
 * @param x - Input whose trailing axes equal `normalizedShape`.
 * @param normalizedShape - The extents of the normalised trailing axes (at least one).
 * @param weight - Per-element scale of `normalizedShape`, or null/omitted for 1.
 * @param bias - Per-element shift of `normalizedShape`, or null/omitted for 0.
 * @param eps - Added to the variance before the square root; finite and ≥ 0 (default 1e-5).
 * @returns A new contiguous tensor of `x`'s shape, in the floating dtype promoted from `x`,
 *   `weight` and `bias` (int32/bool `x` gives float32).
 * @throws {@link InvalidArgumentError} if `x` (or a given `weight` or `bias`) is not a Tensor,
 *   `normalizedShape` is empty, or `eps` is not a finite number ≥ 0.
 * @throws {@link ShapeError} if the trailing axes of `x` are not `normalizedShape`.
 * @throws {@link ShapeError} if `weight` or `bias` does not have shape `normalizedShape`.
 * @remarks One fused op with a hand-written backward instead of the composite
 *   mean/sub/square/mean/add/rsqrt/mul/mul/add (what `LayerNorm` was built from), for speed:
 *   nine passes and arrays forward and about a dozen backward become one pass each way, and layer
 *   norm runs twice per Transformer block. Mean and variance are taken per row in float64 (two
 *   passes, so no cancellation) and the result is rounded once. The backward is
 *   dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with x̂ = (x − μ)·ρ, ĝ = g·weight, ρ = 1/√(σ² + eps),
 *   and dweight = Σ g·x̂, dbias = Σ g over the leading axes, all summed in float64.
 * @see Ba, Kiros and Hinton 2016, "Layer Normalization"; D2L §11.7.2; PyTorch `torch.nn.functional.layer_norm`.
 * @example
 * ```ts
 * layerNorm(tensor([[1, 2, 3]]), [3]); // [[-1.2247, 0, 1.2247]]
 * ```
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const op = 'layerNorm';
  expectTensor(op, x);
  if (weight !== null) expectTensor(op, weight, 'weight');
  if (bias !== null) expectTensor(op, bias, 'bias');
  const k = normalizedShape.length;
  if (k === 0) {
    throw new InvalidArgumentError(`${op}: normalizedShape must have at least one extent; got ().`);
  }
  if (typeof eps !== 'number' || !(eps >= 0 && Number.isFinite(eps))) {
    throw new InvalidArgumentError(`${op}: eps must be a finite number ≥ 0; got ${eps}.`);
  }
  const trailing = x.shape.slice(x.ndim - k);
  if (x.ndim < k || !shapesEqual(trailing, normalizedShape)) {
    throw new ShapeError(
      `${op}: x must have shape (..., ${normalizedShape.join(', ')}); got ${formatShape(x.shape)}.`,
    );
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && !shapesEqual(t.shape, normalizedShape)) {
      throw new ShapeError(
        `${op}: ${name} must have shape ${formatShape(normalizedShape)}; got ${formatShape(t.shape)}.`,
      );
    }
  }
  let dtype: DType = toFloating(x.dtype);
  if (weight !== null) dtype = promoteTypes(dtype, weight.dtype);
  if (bias !== null) dtype = promoteTypes(dtype, bias.dtype);

  // The kernel reads rows of n consecutive elements; contiguous() is the identity when they are.
  const n = shapeSize(normalizedShape);
  const rows = n === 0 ? 0 : x.numel() / n;
  const xc = x.contiguous();
  const wc = weight?.contiguous() ?? null;
  const bc = bias?.contiguous() ?? null;
  const mean = new Float64Array(rows);
  const rstd = new Float64Array(rows);
  const data = allocateUninitialized(dtype, x.numel());
  backend().layerNorm(data, mean, rstd, xc.nd, rows, n, wc?.nd ?? null, bc?.nd ?? null, eps);
  const out = fromData(data, x.shape, dtype);

  const inputs = [xc, ...(wc === null ? [] : [wc]), ...(bc === null ? [] : [bc])];
  return record(op, out, inputs, (g) => {
    const gc = g.contiguous();
    const dx = xc.requiresGrad ? allocateUninitialized(xc.dtype, x.numel()) : null;
    const dWeight = wc?.requiresGrad ? new Float64Array(n) : null;
    const dBias = bc?.requiresGrad ? new Float64Array(n) : null;
    backend().layerNormBackward(dx, dWeight, dBias, gc.nd, xc.nd, mean, rstd, wc?.nd ?? null, rows, n);
    const grads: (Tensor | null)[] = [dx === null ? null : fromData(dx, x.shape, xc.dtype)];
    if (wc !== null) grads.push(dWeight === null ? null : rounded(dWeight, normalizedShape, wc.dtype));
    if (bc !== null) grads.push(dBias === null ? null : rounded(dBias, normalizedShape, bc.dtype));
    return grads;
  });
}

/** A float64 accumulator as a tensor of `dtype` (rounded once). */
function rounded(acc: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, acc.length);
  data.set(acc);
  return fromData(data, shape, dtype);
}
