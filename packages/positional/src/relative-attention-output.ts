import { add, formatShape, matmul, ShapeError, squeeze, type Tensor, unsqueeze } from '@attnkit/tensor';

/**
 * Attention output with relative position values: z_i = Σ_j α_ij (v_j + a^V_ij) (Shaw et al. 2018, eq. 3).
 *
 * Shapes: weights (..., queries, keys), values (..., keys, v), relValues (queries, keys, v) -> (..., queries, v)
 *
 * @param weights - Attention weights α (rows sum to 1 after a softmax).
 * @param values - Values with batch axes that broadcast with the weights'.
 * @param relValues - a^V from {@link RelativePositionEmbedding.forward}; omit for plain α·V.
 * @returns A new tensor, differentiable in all inputs.
 * @throws {@link ShapeError} if `weights` or `values` has fewer than 2 axes, the keys axes differ, or
 *   `relValues` is not `(queries, keys, v)`.
 * @throws {@link ShapeError} if the batch axes of `weights` and `values` do not broadcast (raised by `matmul`).
 * @remarks The relative term is one batched product per query, (…, q, 1, k) × (q, k, v), as in the
 *   paper's §3.3, without materialising (…, q, k, v).
 * @see Shaw, Uszkoreit & Vaswani 2018, eq. 3 and §3.3.
 * @example
 * ```ts
 * const relV = new RelativePositionEmbedding({ maxRelativePosition: 2, headDim: 8 });
 * const scores = randn([2, 5, 5]); // (batch, queries, keys)
 * const v = randn([2, 5, 8]); // (batch, keys, v)
 * const out = relativeAttentionOutput(softmax(scores), v, relV.forward(5, 5)); // (2, 5, 8)
 * ```
 */
export function relativeAttentionOutput(weights: Tensor, values: Tensor, relValues?: Tensor): Tensor {
  const op = 'relativeAttentionOutput';
  if (weights.ndim < 2) {
    throw new ShapeError(
      `${op}: weights must have shape (..., queries, keys); got ${formatShape(weights.shape)}.`,
    );
  }
  const numQueries = weights.shape[weights.ndim - 2]!;
  const numKeys = weights.shape[weights.ndim - 1]!;
  if (values.ndim < 2 || values.shape[values.ndim - 2] !== numKeys) {
    throw new ShapeError(
      `${op}: values must have shape (..., ${numKeys}, v) to match weights ${formatShape(weights.shape)}; got ${formatShape(values.shape)}.`,
    );
  }
  const content = matmul(weights, values); // Σ_j α_ij v_j
  if (relValues === undefined) return content;
  const v = values.shape[values.ndim - 1]!;
  if (formatShape(relValues.shape) !== formatShape([numQueries, numKeys, v])) {
    throw new ShapeError(
      `${op}: relValues must have shape (${numQueries}, ${numKeys}, ${v}); got ${formatShape(relValues.shape)}.`,
    );
  }
  // Σ_j α_ij a^V_ij for all i: (…, q, 1, k) × (q, k, v) -> (…, q, 1, v).
  return add(content, squeeze(matmul(unsqueeze(weights, -2), relValues), -2));
}
