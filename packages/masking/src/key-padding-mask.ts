import { formatShape, logicalNot, reshape, ShapeError } from '@attnkit/tensor';
import { type BlockMask, checkBoolMask, type KeepMask, type UnbrandedTensor } from './mask-types.js';

/**
 * Converts a PyTorch `key_padding_mask` (`true` = padding, blocked) to a {@link KeepMask}
 * (`true` = may attend) shaped to broadcast against `(batch, queries, keys)` scores.
 *
 * Shapes: mask (batch, keys) -> (batch, 1, keys)
 *
 * @param mask - A {@link BlockMask} or plain bool tensor `(batch, keys)`, `true` = padding.
 * @returns A new `KeepMask` `(batch, 1, keys)`, `true` = may attend; the same shape
 *   {@link paddingMask} gives for validLens `(batch)`.
 * @throws {@link ShapeError} if `mask` is not 2-D.
 * @throws {@link InvalidArgumentError} if `mask` is not of dtype bool.
 * @see PyTorch `nn.MultiheadAttention(key_padding_mask=...)`.
 * @example
 * ```ts
 * const keep = fromKeyPaddingMask(tensor([[false, false, true]])); // [[[true, true, false]]]
 * ```
 */
export function fromKeyPaddingMask(mask: BlockMask | UnbrandedTensor): KeepMask {
  checkBoolMask('fromKeyPaddingMask', mask);
  if (mask.ndim !== 2) {
    throw new ShapeError(
      `fromKeyPaddingMask: mask must have shape (batch, keys); got ${formatShape(mask.shape)}.`,
    );
  }
  const [batch, keys] = mask.shape as [number, number];
  return reshape(logicalNot(mask), [batch, 1, keys]) as KeepMask;
}

/**
 * Converts a {@link KeepMask} over keys (`true` = may attend) to a PyTorch `key_padding_mask`
 * (`true` = padding, blocked), e.g. to hand masks built with {@link paddingMask} to PyTorch code.
 *
 * Shapes: mask (batch, keys) | (batch, 1, keys) -> (batch, keys)
 *
 * @param mask - A `KeepMask` `(batch, keys)` or `(batch, 1, keys)`.
 * @returns A new {@link BlockMask} `(batch, keys)`, `true` = padding.
 * @throws {@link ShapeError} if `mask` is neither `(batch, keys)` nor `(batch, 1, keys)`.
 * @throws {@link InvalidArgumentError} if `mask` is not of dtype bool.
 * @example
 * ```ts
 * toKeyPaddingMask(paddingMask([2], 3)); // [[false, false, true]]
 * ```
 */
export function toKeyPaddingMask(mask: KeepMask): BlockMask {
  checkBoolMask('toKeyPaddingMask', mask);
  const { shape } = mask;
  const ok = shape.length === 2 || (shape.length === 3 && shape[1] === 1);
  if (!ok) {
    throw new ShapeError(
      `toKeyPaddingMask: mask must have shape (batch, keys) or (batch, 1, keys); got ${formatShape(shape)}.`,
    );
  }
  const batch = shape[0] as number;
  const keys = shape[shape.length - 1] as number;
  return reshape(logicalNot(mask), [batch, keys]) as BlockMask;
}
