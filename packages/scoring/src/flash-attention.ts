import type { ValidLens } from '@attnkit/masking';
import { checkOptions, checkValidLens, fusedAttention, type Tensor } from '@attnkit/tensor';

/** Options of {@link flashAttention}. */
export interface FlashAttentionOptions {
  /** Factor applied to QKᵀ (default 1/√d). */
  scale?: number;
  /** Hide each query's future keys (bottom-right diagonal, as {@link scaledDotProductAttention}'s default). */
  isCausal?: boolean;
  /** Valid keys per sequence `(batch)` or per query `(batch, queries)`; batch is the first axis. */
  validLens?: ValidLens;
}

/**
 * Scaled dot-product attention by the fused FlashAttention kernel: the output of
 * {@link scaledDotProductAttention} without ever forming the (queries × keys) weights.
 *
 * Shapes: queries (..., queries, d), keys (..., keys, d), values (..., keys, v), validLens (batch) |
 * (batch, queries) -> (..., queries, v)
 *
 * @param queries - float32 `(..., queries, d)`, e.g. `(batch, heads, queries, d)`.
 * @param keys - float32 `(..., keys, d)` with the same leading axes as `queries` (no broadcasting).
 * @param values - float32 `(..., keys, v)` with the same leading axes as `queries`.
 * @param options - `scale`, `isCausal`, `validLens`.
 * @returns The attention output `(..., queries, v)`, differentiable in queries, keys and values.
 *   Attention weights are not returned (use {@link scaledDotProductAttention} when they are needed).
 * @throws {@link ShapeError} if an input has fewer than 2 axes, the leading axes differ, the depths
 *   of queries and keys or the key counts of keys and values differ, or `validLens` is neither
 *   `(batch)` nor `(batch, queries)`.
 * @throws {@link InvalidArgumentError} if an input is not float32, `scale` is not finite, or a
 *   valid length is not an integer in [0, keys].
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type. (`mask` is not an option of the fused kernel).
 * @remarks Memory grows with queries·d instead of queries·keys (see `fusedAttention` in
 *   `@attnkit/tensor`). Masked keys get exactly zero weight and a query that sees no key gets a zero
 *   output; so with `validLens` containing 0 the result differs from D2L's masked softmax, which
 *   gives such a row uniform weights. There is no dropout on the (never formed) weights.
 * @see Dao et al. 2022, "FlashAttention", Algorithms 1–2; D2L §11.3; Vaswani et al. 2017, eq. 1.
 * @example
 * ```ts
 * const q = randn([2, 8, 512, 64]); // (batch, heads, queries, d)
 * const output = flashAttention(q, q, q, { isCausal: true, validLens: [512, 300] });
 * ```
 */
export function flashAttention(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: FlashAttentionOptions = {},
): Tensor {
  checkOptions('flashAttention', options, { scale: 'number', isCausal: 'boolean', validLens: 'any' });
  const { validLens, ...rest } = options;
  if (validLens === undefined) return fusedAttention(queries, keys, values, rest);
  // The one check of lengths shared with scaledDotProductAttention and MultiHeadAttention.
  const lens = checkValidLens('flashAttention', validLens, {
    batch: queries.ndim >= 3 ? queries.shape[0] : undefined,
    queries: queries.shape.at(-2) ?? 0,
    keys: keys.shape.at(-2) ?? 0,
  });
  return fusedAttention(queries, keys, values, { ...rest, validLens: lens });
}
