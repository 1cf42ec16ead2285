import {
  add,
  formatShape,
  matmul,
  ShapeError,
  squeeze,
  type Tensor,
  transpose,
  unsqueeze,
} from '@attnkit/tensor';

/**
 * Attention logits with relative position keys: e_ij = q_i·k_jᵀ + q_i·(a^K_ij)ᵀ (Shaw et al. 2018,
 * eq. 4 without the 1/√d), not scaled.
 *
 * Shapes: queries (..., queries, d), keys (..., keys, d), relKeys (queries, keys, d) -> (..., queries, keys)
 *
 * @param queries - Queries, e.g. `(batch·heads, queries, d)`.
 * @param keys - Keys with batch axes that broadcast with the queries'.
 * @param relKeys - a^K from {@link RelativePositionEmbedding.forward}, shared across batch and heads.
 * @returns New scores, differentiable in all three inputs.
 * @throws {@link ShapeError} if `queries` or `keys` has fewer than 2 axes, their last axes differ,
 *   or `relKeys` is not `(queries, keys, d)`.
 * @throws {@link ShapeError} if the batch axes of `queries` and `keys` do not broadcast (raised by `matmul`).
 * @remarks Does not divide by √d: Shaw eq. 4 puts √d_z outside the sum, so the caller scales
 *   (and masks) exactly as for plain dot-product attention. The relative term is computed as one
 *   batched product per query, (…, q, 1, d) × (q, d, k), the paper's §3.3 efficient form, without
 *   materialising (…, q, k, d).
 * @see Shaw, Uszkoreit & Vaswani 2018, eq. 4 and §3.3; D2L §11.3.3 (scaled dot-product attention).
 * @example
 * ```ts
 * const relK = new RelativePositionEmbedding({ maxRelativePosition: 2, headDim: 8 });
 * const q = randn([2, 5, 8]); // (batch, queries, d)
 * const k = randn([2, 5, 8]); // (batch, keys, d)
 * const scores = div(relativeAttentionScores(q, k, relK.forward(5, 5)), Math.sqrt(8)); // (2, 5, 5)
 * ```
 */
export function relativeAttentionScores(queries: Tensor, keys: Tensor, relKeys: Tensor): Tensor {
  const op = 'relativeAttentionScores';
  if (queries.ndim < 2) {
    throw new ShapeError(
      `${op}: queries must have shape (..., queries, d); got ${formatShape(queries.shape)}.`,
    );
  }
  const numQueries = queries.shape[queries.ndim - 2]!;
  const d = queries.shape[queries.ndim - 1]!;
  if (keys.ndim < 2 || keys.shape[keys.ndim - 1] !== d) {
    throw new ShapeError(
      `${op}: keys must have shape (..., keys, ${d}) to match queries ${formatShape(queries.shape)}; got ${formatShape(keys.shape)}.`,
    );
  }
  const numKeys = keys.shape[keys.ndim - 2]!;
  if (formatShape(relKeys.shape) !== formatShape([numQueries, numKeys, d])) {
    throw new ShapeError(
      `${op}: relKeys must have shape (${numQueries}, ${numKeys}, ${d}); got ${formatShape(relKeys.shape)}.`,
    );
  }
  const content = matmul(queries, transpose(keys, -2, -1)); // q_i·k_jᵀ
  // q_i·(a^K_ij)ᵀ for all j at once: (…, q, 1, d) × (q, d, k) -> (…, q, 1, k).
  const position = squeeze(matmul(unsqueeze(queries, -2), transpose(relKeys, -2, -1)), -2);
  return add(content, position);
}
