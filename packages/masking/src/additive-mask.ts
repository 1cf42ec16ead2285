import {
  checkAdditiveMask,
  checkOptions,
  type DType,
  describeValue,
  gt,
  InvalidArgumentError,
  isFloating,
  logicalNot,
  maskedFill,
  Tensor,
  zeros,
} from '@attnkit/tensor';
import { checkBoolMask, type KeepMask, type MaskLike } from './mask-types.js';

/** Options of {@link fromAdditiveMask}. */
export interface FromAdditiveMaskOptions {
  /**
   * A key is kept iff its additive value is strictly greater than this. Default `-Infinity`: only
   * `-Infinity` blocks (exactly the entries whose softmax weight is 0). Pass e.g. `-1e4` for masks
   * that use a large finite negative number (`-1e9`, `-10000`, `torch.finfo(dtype).min`).
   */
  threshold?: number;
}

/**
 * Converts an additive float mask (0 = attend, -Infinity = blocked, added to the scores before
 * the softmax) to a {@link KeepMask} (`true` = may attend).
 *
 * Shapes: mask (...) -> (...)
 *
 * @param mask - A float32/float64 additive mask, e.g. PyTorch `generate_square_subsequent_mask`.
 * @param options - `threshold` (default `-Infinity`): keep iff value > threshold.
 * @returns A new bool `KeepMask`: `true` where `mask > threshold`. Finite non-zero values (relative
 *   position biases, ALiBi) count as "may attend"; only the bias is lost.
 * @throws {@link InvalidArgumentError} if `mask` is not float32/float64, contains NaN, or
 *   `threshold` is NaN.
 * @remarks The default keeps a key iff `value > -Infinity`, i.e. iff `exp(score + value)` can be
 *   non-zero, so the conversion is exact for 0 / -Infinity masks and never blocks a key that the
 *   additive mask would let through.
 * @example
 * ```ts
 * fromAdditiveMask(tensor([0, 0, -Infinity])); // [true, true, false]
 * fromAdditiveMask(tensor([0, -1e9]), { threshold: -1e4 }); // [true, false]
 * ```
 */
export function fromAdditiveMask(mask: Tensor, options: FromAdditiveMaskOptions = {}): KeepMask {
  checkOptions('fromAdditiveMask', options, { threshold: 'any' });
  const threshold = options.threshold ?? Number.NEGATIVE_INFINITY;
  if (!(mask instanceof Tensor)) {
    throw new InvalidArgumentError(
      `fromAdditiveMask: mask must be a float Tensor; got ${describeValue(mask)}.`,
    );
  }
  if (!isFloating(mask.dtype)) {
    throw new InvalidArgumentError(
      `fromAdditiveMask: mask must have dtype float32 or float64 (0 / -Infinity); got ${mask.dtype}. Use keepMask or blockMask for bool masks.`,
    );
  }
  if (Number.isNaN(threshold)) {
    throw new InvalidArgumentError('fromAdditiveMask: threshold must be a number; got NaN.');
  }
  // NaN or +Infinity would make every weight of the row NaN once added to the scores.
  checkAdditiveMask('fromAdditiveMask', mask);
  return gt(mask, threshold) as KeepMask;
}

/**
 * Converts a {@link KeepMask} (`true` = may attend) to an additive float mask: 0 where the key may
 * be attended, -Infinity where it is blocked (PyTorch's float `attn_mask` convention).
 *
 * Shapes: mask (...) -> (...)
 *
 * @param mask - A `KeepMask` or plain bool tensor, `true` = may attend.
 * @param dtype - `float32` (default) or `float64`.
 * @returns A new float tensor of 0 and -Infinity, to add to the scores before a softmax.
 * @throws {@link InvalidArgumentError} if `mask` is not of dtype bool or `dtype` is not floating.
 * @remarks A fully masked row becomes all -Infinity and a plain softmax of it is NaN; use
 *   {@link maskedSoftmax} with `{ mask }` for zero weights instead.
 * @example
 * ```ts
 * toAdditiveMask(causalMask(2)); // [[0, -Infinity], [0, 0]]
 * ```
 */
export function toAdditiveMask(mask: KeepMask | MaskLike, dtype: DType = 'float32'): Tensor {
  checkBoolMask('toAdditiveMask', mask);
  if (!isFloating(dtype)) {
    throw new InvalidArgumentError(`toAdditiveMask: dtype must be float32 or float64; got ${dtype}.`);
  }
  return maskedFill(zeros(mask.shape, { dtype }), logicalNot(mask), Number.NEGATIVE_INFINITY);
}
