import { formatShape, InvalidArgumentError, reshape, ShapeError, type Tensor } from '@attnkit/tensor';
import { checkCount } from './internal/check.js';
import { mergeHeads } from './internal/heads.js';

/**
 * Reverses {@link transposeQKV}: unfolds the heads from the batch axis and concatenates their
 * features (D2L `transpose_output`).
 *
 * Shapes: X (batch·heads, n, d) -> (batch, n, heads·d)
 *
 * @param X - Per-head outputs, `(batch·heads, n, d)`, row `b·numHeads + h` being batch `b`, head `h`.
 * @param numHeads - Number of heads; must divide the first axis.
 * @returns A tensor `(batch, n, heads·d)` whose features `[h·d, (h+1)·d)` come from head `h`,
 *   differentiable in `X`.
 * @throws {@link ShapeError} if `X` is not 3-D.
 * @throws {@link InvalidArgumentError} if `numHeads` is not an integer ≥ 1 or does not divide batch·heads.
 * @see D2L §11.5 "Multi-Head Attention" (`transpose_output`).
 * @example
 * ```ts
 * const x = randn([2, 3, 8]); // (batch, n, hiddens)
 * transposeOutput(transposeQKV(x, 2), 2); // x again
 * ```
 */
export function transposeOutput(X: Tensor, numHeads: number): Tensor {
  const op = 'transposeOutput';
  checkCount(op, 'numHeads', numHeads);
  if (X.ndim !== 3) {
    throw new ShapeError(`${op}: X must have shape (batch·heads, n, d); got ${formatShape(X.shape)}.`);
  }
  const [rows, n, d] = X.shape as [number, number, number];
  if (rows % numHeads !== 0) {
    throw new InvalidArgumentError(
      `${op}: batch·heads (${rows}) of X ${formatShape(X.shape)} must be divisible by numHeads (${numHeads}).`,
    );
  }
  return mergeHeads(reshape(X, [rows / numHeads, numHeads, n, d]));
}
