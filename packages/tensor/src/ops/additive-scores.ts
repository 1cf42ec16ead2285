import { record } from '../autograd/record.js';
import { allocate, type DType, isFloating } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { expectTensor } from '../internal/unary.js';
import { additiveScoresBackwardKernel, additiveScoresKernel } from '../kernels/additive-scores.js';
import { fromData, type Tensor } from '../tensor.js';

/**
 * Additive (Bahdanau) attention scores as one op: s[b, i, j] = Σ_d w[d]·tanh(q[b, i, d] + k[b, j, d]),
 * for queries and keys already projected by W_q and W_k.
 *
 * Shapes: queries (batch, queries, h), keys (batch, keys, h), weight (h) -> scores (batch, queries, keys)
 *
 * @param queries - Projected queries W_q·q, `(batch, queries, h)`.
 * @param keys - Projected keys W_k·k, `(batch, keys, h)`.
 * @param weight - The scoring vector w_v, `(h)` (D2L's `w_v.weight` (1, h) reshaped).
 * @returns The scores `(batch, queries, keys)`, differentiable in all three inputs.
 * @throws {@link InvalidArgumentError} if an argument is not a Tensor or the dtypes are not all
 *   float32 or all float64.
 * @throws {@link ShapeError} naming the shapes if `queries` or `keys` is not 3-D, their batch or
 *   depth disagree, or `weight` is not `(h)`.
 * @remarks Equals D2L's `w_v(tanh(queries.unsqueeze(2) + keys.unsqueeze(1))).squeeze(-1)` (§11.3.3)
 *   without materialising the broadcast sum and its tanh as separate (batch, queries, keys, h)
 *   tensors with their own backward passes: one loop forward, one backward (dq = Σ_keys e,
 *   dk = Σ_queries e with e = g·w·(1 − t²), dw = Σ g·t), sums in float64. The tanh values are kept
 *   for the backward, (batch, queries, keys, h) elements.
 * @see D2L §11.3.3 "Additive Attention"; Bahdanau, Cho and Bengio 2015, eq. 6 (alignment model).
 * @example
 * ```ts
 * additiveScores(tensor([[[0.5, -1]]]), tensor([[[1, 0], [0, 1]]]), tensor([2, 1])); // [[[1.0487, 0.9242]]]
 * ```
 */
export function additiveScores(queries: Tensor, keys: Tensor, weight: Tensor): Tensor {
  const op = 'additiveScores';
  expectTensor(op, queries, 'queries');
  expectTensor(op, keys, 'keys');
  expectTensor(op, weight, 'weight');
  if (queries.ndim !== 3) {
    throw new ShapeError(
      `${op}: queries must have shape (batch, queries, h); got ${formatShape(queries.shape)}.`,
    );
  }
  const [batch, nq, h] = queries.shape as [number, number, number];
  if (keys.ndim !== 3 || keys.shape[0] !== batch || keys.shape[2] !== h) {
    throw new ShapeError(
      `${op}: keys must have shape (${batch}, keys, ${h}) for queries ${formatShape(queries.shape)}; got ${formatShape(keys.shape)}.`,
    );
  }
  if (weight.ndim !== 1 || weight.shape[0] !== h) {
    throw new ShapeError(`${op}: weight must have shape (${h}); got ${formatShape(weight.shape)}.`);
  }
  const dtype: DType = queries.dtype;
  if (!isFloating(dtype) || keys.dtype !== dtype || weight.dtype !== dtype) {
    throw new InvalidArgumentError(
      `${op}: queries, keys and weight must all be float32 or all float64; got ${queries.dtype}, ${keys.dtype}, ${weight.dtype}.`,
    );
  }
  const nk = keys.shape[1]!;
  const qc = queries.contiguous();
  const kc = keys.contiguous();
  const wc = weight.contiguous();
  const out = allocate(dtype, batch * nq * nk);
  const saved = allocate(dtype, batch * nq * nk * h);
  additiveScoresKernel(
    out,
    saved,
    qc.nd.data,
    qc.nd.offset,
    kc.nd.data,
    kc.nd.offset,
    wc.nd.data,
    wc.nd.offset,
    batch,
    nq,
    nk,
    h,
  );
  const scores = fromData(out, [batch, nq, nk], dtype);

  return record(op, scores, [queries, keys, weight], (g) => {
    const gc = g.contiguous();
    const dq = queries.requiresGrad ? new Float64Array(batch * nq * h) : null;
    const dk = keys.requiresGrad ? new Float64Array(batch * nk * h) : null;
    const dw = weight.requiresGrad ? new Float64Array(h) : null;
    additiveScoresBackwardKernel(
      dq,
      dk,
      dw,
      gc.nd.data,
      gc.nd.offset,
      saved,
      wc.nd.data,
      wc.nd.offset,
      batch,
      nq,
      nk,
      h,
    );
    const rounded = (acc: Float64Array | null, shape: readonly number[]): Tensor | null => {
      if (acc === null) return null;
      const data = allocate(dtype, acc.length);
      data.set(acc);
      return fromData(data, shape, dtype);
    };
    return [rounded(dq, queries.shape), rounded(dk, keys.shape), rounded(dw, weight.shape)];
  });
}
