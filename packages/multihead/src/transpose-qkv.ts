import type { Tensor } from '@attnkit/tensor';
import { checkSplittable } from './internal/check.js';
import { foldHeads, splitHeads } from './internal/heads.js';

/**
 * Splits the hidden features into heads and folds the heads into the batch axis, so that all
 * heads are computed by one batched attention (D2L `transpose_qkv`).
 *
 * Shapes: X (batch, n, hiddens) -> (batch·heads, n, hiddens/heads)
 *
 * Row `b·numHeads + h` of the result is batch `b`, head `h`, holding features
 * `[h·d, (h+1)·d)` of every position, with `d = hiddens / numHeads`.
 *
 * @param X - Projected queries, keys or values, `(batch, n, hiddens)`.
 * @param numHeads - Number of heads; must divide `hiddens`.
 * @returns A tensor `(batch·heads, n, hiddens/heads)`, differentiable in `X`.
 * @throws {@link ShapeError} if `X` is not 3-D.
 * @throws {@link InvalidArgumentError} if `numHeads` is not an integer ≥ 1 or does not divide hiddens.
 * @see D2L §11.5 "Multi-Head Attention" (`transpose_qkv`).
 * @example
 * ```ts
 * transposeQKV(ones([2, 3, 8]), 2).shape; // [4, 3, 4]
 * ```
 */
export function transposeQKV(X: Tensor, numHeads: number): Tensor {
  checkSplittable('transposeQKV', X, numHeads);
  // D2L: reshape (batch, n, heads, d), permute (0, 2, 1, 3), reshape (batch·heads, n, d).
  return foldHeads(splitHeads(X, numHeads));
}
