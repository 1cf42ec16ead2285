import type { Tensor } from '@attnkit/tensor';

/**
 * Any attention under test, as the attention properties call it: queries `(batch, queries, d)`,
 * keys `(batch, keys, d)`, values `(batch, keys, v)` and the options the caller gave the property
 * (passed through unchanged, `undefined` when none) -> output `(batch, queries, v)`.
 *
 * @example
 * ```ts
 * const impl: AttentionImpl<{ isCausal: boolean }> = (q, k, v, opts) =>
 *   scaledDotProductAttention(q, k, v, opts).output;
 * ```
 */
export type AttentionImpl<O = undefined> = (
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: O,
) => Tensor;
