import { formatShape, InvalidArgumentError, ShapeError, unsqueeze } from '@attnkit/tensor';
import { asLengthsTensor, checkLengths, positionsBelow, type ValidLens } from './internal/valid-lens.js';
import type { KeepMask } from './mask-types.js';

/**
 * A {@link KeepMask} (`true` = may attend) that lets each query see only the first `validLens`
 * keys, shaped to broadcast against `(batch, queries, keys)` attention scores.
 *
 * Shapes: validLens (batch) -> (batch, 1, maxLen); validLens (batch, queries) -> (batch, queries, maxLen)
 *
 * @param validLens - Valid keys per batch `(batch)` or per query `(batch, queries)`: an int32 or
 *   float tensor of integers, or a `number[]` / `number[][]`.
 * @param maxLen - Number of keys (the mask's last extent).
 * @returns A new bool `KeepMask`: `mask[b, q, j]` is `true` iff `j < validLens[b(, q)]`.
 * @throws {@link ShapeError} if `validLens` is neither 1-D nor 2-D.
 * @throws {@link InvalidArgumentError} if `maxLen` is not a non-negative integer, `validLens` is a
 *   bool tensor, or a length is negative, fractional or greater than `maxLen`.
 * @see D2L §11.3 "Attention Scoring Functions" (`masked_softmax`); PyTorch `key_padding_mask`.
 * @example
 * ```ts
 * paddingMask([2, 3], 4); // (2, 1, 4): [[[true, true, false, false]], [[true, true, true, false]]]
 * ```
 */
export function paddingMask(validLens: ValidLens, maxLen: number): KeepMask {
  if (!Number.isInteger(maxLen) || maxLen < 0) {
    throw new InvalidArgumentError(`paddingMask: maxLen must be a non-negative integer; got ${maxLen}.`);
  }
  const raw = asLengthsTensor('paddingMask', validLens);
  if (raw.ndim !== 1 && raw.ndim !== 2) {
    throw new ShapeError(
      `paddingMask: validLens must have shape (batch) or (batch, queries); got ${formatShape(raw.shape)}.`,
    );
  }
  const lens = checkLengths('paddingMask', raw, maxLen, 'maxLen');
  // (batch) -> (batch, 1, maxLen) so one row serves every query; (batch, queries) -> (batch, queries, maxLen).
  const keep = positionsBelow('paddingMask', lens.ndim === 1 ? unsqueeze(lens, 1) : lens, maxLen);
  return keep as KeepMask;
}
