import { formatShape, logicalNot, maskedFill, reshape, ShapeError, type Tensor } from '@attnkit/tensor';
import { asLengthsTensor, checkLengths, positionsBelow, type ValidLens } from './internal/valid-lens.js';

/**
 * Replaces the entries of each row at positions at or beyond its valid length by `value`
 * (D2L `sequence_mask`), returning a new tensor; `x` is never mutated (D2L's version is in place).
 *
 * Shapes: x (batch, maxLen, ...), validLens (batch) -> (batch, maxLen, ...)
 *
 * @param x - Rows to mask, `(batch, maxLen)` or `(batch, maxLen, ...)` (trailing axes follow
 *   their position).
 * @param validLens - Valid positions per row `(batch)`: an int32 or float tensor of integers, or a
 *   `number[]`. Position `j` of row `b` is kept iff `j < validLens[b]` (boolean convention:
 *   `true` = kept, as everywhere in attnkit).
 * @param value - What masked positions become; default 0.
 * @returns A new tensor with `x`'s shape and dtype. Differentiable in `x` (masked positions get
 *   zero gradient).
 * @throws {@link ShapeError} if `x` has rank < 2 or `validLens` is not `(batch)`; the message
 *   names both shapes.
 * @throws {@link InvalidArgumentError} if `validLens` is a bool tensor, or a length is negative,
 *   fractional or greater than maxLen.
 * @see D2L §10.7 "Sequence-to-Sequence Learning" (`sequence_mask`).
 * @example
 * ```ts
 * sequenceMask(tensor([[1, 2, 3], [4, 5, 6]]), [1, 2]); // [[1, 0, 0], [4, 5, 0]]
 * ```
 */
export function sequenceMask(x: Tensor, validLens: ValidLens, value = 0): Tensor {
  if (x.ndim < 2) {
    throw new ShapeError(
      `sequenceMask: x must have shape (batch, maxLen, ...); got ${formatShape(x.shape)}.`,
    );
  }
  const [batch, maxLen] = x.shape as [number, number];
  const raw = asLengthsTensor('sequenceMask', validLens);
  if (raw.ndim !== 1 || raw.shape[0] !== batch) {
    throw new ShapeError(
      `sequenceMask: validLens must have shape (batch) = (${batch}) to match x ${formatShape(x.shape)}; got ${formatShape(raw.shape)}.`,
    );
  }
  const lens = checkLengths('sequenceMask', raw, maxLen, 'maxLen');
  // keep (batch, maxLen) -> (batch, maxLen, 1, ...) so it broadcasts over x's trailing axes.
  const keep = positionsBelow('sequenceMask', lens, maxLen);
  const trailing = new Array<number>(x.ndim - 2).fill(1);
  return maskedFill(x, logicalNot(reshape(keep, [batch, maxLen, ...trailing])), value);
}
