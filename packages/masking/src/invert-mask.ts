import { logicalNot } from '@attnkit/tensor';
import { type BlockMask, checkBoolMask, type KeepMask } from './mask-types.js';

/**
 * Flips a mask's polarity: a {@link KeepMask} (`true` = may attend) becomes a {@link BlockMask}
 * (`true` = blocked) and vice versa. Use it for the boolean `attn_mask` of PyTorch
 * `nn.MultiheadAttention`, where `true` means blocked.
 *
 * Shapes: mask (...) -> (...)
 *
 * @param mask - A branded bool mask.
 * @returns A new bool tensor with every entry negated, branded with the opposite polarity.
 * @throws {@link InvalidArgumentError} if `mask` is not of dtype bool.
 * @example
 * ```ts
 * const keep = invertMask(blockMask(tensor([false, true]))); // [true, false]
 * ```
 */
export function invertMask(mask: KeepMask): BlockMask;
export function invertMask(mask: BlockMask): KeepMask;
export function invertMask(mask: KeepMask | BlockMask): KeepMask | BlockMask {
  checkBoolMask('invertMask', mask);
  return logicalNot(mask) as KeepMask | BlockMask;
}
