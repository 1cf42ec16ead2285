import { describeValue, InvalidArgumentError, Tensor } from '@attnkit/tensor';

/**
 * A boolean mask in the "may attend" convention: `true` marks a (query, key) pair whose key the
 * query may attend to, as the boolean `attn_mask` of PyTorch `scaled_dot_product_attention`.
 *
 * The brand exists only in the type system (the runtime value is the plain bool tensor), so a
 * {@link BlockMask} can never be passed where a `KeepMask` is expected without {@link invertMask}.
 */
export type KeepMask = Tensor & { readonly __mask: 'keep' };

/**
 * A boolean mask in the "blocked" convention: `true` marks a key that must NOT be attended, as
 * PyTorch `key_padding_mask` and the boolean `attn_mask` of `nn.MultiheadAttention`.
 * Convert it with {@link invertMask} or {@link fromKeyPaddingMask} before use; every attnkit
 * function takes {@link KeepMask}s (`true` = may attend).
 */
export type BlockMask = Tensor & { readonly __mask: 'block' };

/**
 * A tensor that carries no mask brand. Functions that take "a KeepMask or a plain bool tensor
 * (`true` = may attend)" use `KeepMask | UnbrandedTensor`, which rejects a {@link BlockMask}
 * at compile time.
 */
export type UnbrandedTensor = Tensor & { readonly __mask?: never };

/** What the mask-taking functions accept: a {@link KeepMask} or a plain bool tensor, `true` = may attend. */
export type MaskLike = KeepMask | UnbrandedTensor;

/** Throws unless `mask` is a bool tensor; shared by every function that takes a mask. */
export function checkBoolMask(op: string, mask: Tensor, argument = 'mask'): void {
  if (!(mask instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a bool Tensor; got ${describeValue(mask)}.`);
  }
  if (mask.dtype !== 'bool') {
    throw new InvalidArgumentError(`${op}: ${argument} must have dtype bool; got ${mask.dtype}.`);
  }
}

/**
 * Brands a bool tensor as a {@link KeepMask}: `true` = may attend (PyTorch sdpa convention).
 *
 * Shapes: mask (...) -> (...)
 *
 * @param mask - A bool tensor whose `true` entries mark keys that may be attended.
 * @returns The same tensor (no copy), typed as a `KeepMask`.
 * @throws {@link InvalidArgumentError} if `mask` is not of dtype bool.
 * @example
 * ```ts
 * const keep = keepMask(tensor([[true, true, false]])); // the third key is hidden
 * ```
 */
export function keepMask(mask: Tensor): KeepMask {
  checkBoolMask('keepMask', mask);
  return mask as KeepMask;
}

/**
 * Brands a bool tensor as a {@link BlockMask}: `true` = blocked (PyTorch `key_padding_mask`
 * convention), the opposite of attnkit's `true` = may attend.
 *
 * Shapes: mask (...) -> (...)
 *
 * @param mask - A bool tensor whose `true` entries mark keys that must not be attended.
 * @returns The same tensor (no copy), typed as a `BlockMask`.
 * @throws {@link InvalidArgumentError} if `mask` is not of dtype bool.
 * @example
 * ```ts
 * const blocked = blockMask(tensor([[false, false, true]])); // the third key is padding
 * const keep = invertMask(blocked); // [[true, true, false]]
 * ```
 */
export function blockMask(mask: Tensor): BlockMask {
  checkBoolMask('blockMask', mask);
  return mask as BlockMask;
}
