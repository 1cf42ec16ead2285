import {
  broadcastShapes,
  checkOptions,
  describeValue,
  formatShape,
  InvalidArgumentError,
  isPlainObject,
  maskedFill,
  reshape,
  ShapeError,
  softmax,
  Tensor,
  tensor,
  unsqueeze,
} from '@attnkit/tensor';
import { asLengthsTensor, checkLengths, positionsBelow, type ValidLens } from './internal/valid-lens.js';
import { checkBoolMask, type MaskLike } from './mask-types.js';

/** The mask form of {@link maskedSoftmax}. */
export interface MaskedSoftmaxOptions {
  /**
   * A {@link KeepMask} or plain bool tensor, `true` = may attend, broadcastable to the scores'
   * shape (e.g. `(queries, keys)`, `(batch, 1, keys)`, `(batch, queries, keys)`).
   */
  mask: MaskLike;
}

/** Logit given to masked scores on the validLens path (D2L's value; not -Infinity). */
const MASKED_LOGIT = -1e6;

/**
 * Softmax over the last axis that gives zero weight to masked keys: keys at or beyond each valid
 * length (D2L `masked_softmax`), or keys whose mask entry is `false` (`true` = may attend, as PyTorch
 * `scaled_dot_product_attention`).
 *
 * Shapes: x (batch, queries, keys), validLens (batch) | (batch, queries) -> (batch, queries, keys);
 * x (..., keys), mask broadcastable to x -> x's shape
 *
 * @param x - Attention scores (logits), `(batch, queries, keys)` with `validLens`; any rank >= 1
 *   with a mask or with nothing.
 * @param validLens - Valid keys per batch `(batch)` or per query `(batch, queries)`: an int32 or
 *   float tensor of integers, or a `number[]` / `number[][]`. Or `{ mask }`: a {@link KeepMask} or
 *   plain bool tensor (`true` = may attend) broadcastable to `x`. Omit for a plain softmax.
 * @returns Attention weights with `x`'s shape; masked weights are exactly 0 and every row with at
 *   least one visible key sums to 1. Differentiable in `x`.
 * @throws {@link ShapeError} if `validLens` is given and `x` is not 3-D, or `validLens` is neither
 *   `(batch)` nor `(batch, queries)` (the message names both shapes), or the mask does not
 *   broadcast to `x`'s shape, or a mask is given and `x` is 0-D.
 * @throws {@link InvalidArgumentError} if a length is negative, fractional or greater than
 *   keys, `validLens` is a bool tensor, or the mask is not a tensor of dtype bool.
 * @throws {@link InvalidArgumentError} if the second argument is neither validLens nor an options object `{ mask }` (e.g. `null`), or validLens holds non-numbers.
 * @remarks Fully masked rows follow one policy per form. validLens path (D2L exactly): masked
 *   scores become -1e6, not -Infinity, so a row with validLen 0 is uniform (1/keys). Mask path:
 *   masked scores become -Infinity and a row with no visible key yields zero weights and zero
 *   gradients, never NaN (its scores are replaced by 0 before the softmax, then zeroed).
 * @see D2L §11.3 "Attention Scoring Functions" (`masked_softmax`); PyTorch
 *   `scaled_dot_product_attention` (boolean `attn_mask`).
 * @example
 * ```ts
 * const scores = rand([2, 2, 4]);
 * maskedSoftmax(scores, tensor([2, 3], { dtype: 'int32' })); // keys 2.. and 3.. get weight 0
 * maskedSoftmax(scores, [[1, 3], [2, 4]]); // one length per query
 * maskedSoftmax(scores, { mask: causalMask(2, 4) });
 * ```
 */
export function maskedSoftmax(x: Tensor, validLens?: ValidLens): Tensor;
export function maskedSoftmax(x: Tensor, options: MaskedSoftmaxOptions): Tensor;
export function maskedSoftmax(x: Tensor, validLensOrOptions?: ValidLens | MaskedSoftmaxOptions): Tensor {
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(`maskedSoftmax: x must be a Tensor; got ${describeValue(x)}.`);
  }
  if (validLensOrOptions === undefined) return softmax(x, -1);
  if (validLensOrOptions instanceof Tensor || Array.isArray(validLensOrOptions)) {
    return softmaxWithValidLens(x, validLensOrOptions as ValidLens);
  }
  if (!isPlainObject(validLensOrOptions)) {
    throw new InvalidArgumentError(
      `maskedSoftmax: the second argument must be validLens (a Tensor, number[] or number[][]) or an options object { mask }; got ${describeValue(validLensOrOptions)}.`,
    );
  }
  const { mask } = checkOptions('maskedSoftmax', validLensOrOptions as MaskedSoftmaxOptions, { mask: 'any' });
  return softmaxWithMask(x, mask);
}

/** D2L: scores at positions >= validLen become -1e6, then a plain softmax. */
function softmaxWithValidLens(x: Tensor, validLens: ValidLens): Tensor {
  if (x.ndim !== 3) {
    throw new ShapeError(
      `maskedSoftmax: x must have shape (batch, queries, keys) when validLens is given; got ${formatShape(x.shape)}.`,
    );
  }
  const [batch, queries, keys] = x.shape as [number, number, number];
  const raw = asLengthsTensor('maskedSoftmax', validLens);
  const ok =
    (raw.ndim === 1 && raw.shape[0] === batch) ||
    (raw.ndim === 2 && raw.shape[0] === batch && raw.shape[1] === queries);
  if (!ok) {
    throw new ShapeError(
      `maskedSoftmax: validLens must have shape (batch) = (${batch}) or (batch, queries) = (${batch}, ${queries}) to match x ${formatShape(x.shape)}; got ${formatShape(raw.shape)}.`,
    );
  }
  const lens = checkLengths('maskedSoftmax', raw, keys, 'keys');
  // blocked: (batch, 1, keys) or (batch, queries, keys); broadcasts against x.
  const blocked = positionsBelow('maskedSoftmax', lens.ndim === 1 ? unsqueeze(lens, 1) : lens, keys, true);
  return softmax(maskedFill(x, blocked, MASKED_LOGIT), -1);
}

/** Mask form: -Infinity for masked scores, zero weights (and gradients) for fully masked rows. */
function softmaxWithMask(x: Tensor, mask: MaskLike): Tensor {
  checkBoolMask('maskedSoftmax', mask);
  if (x.ndim < 1) {
    throw new ShapeError(`maskedSoftmax: x must have at least one axis (keys); got ${formatShape(x.shape)}.`);
  }
  const target = broadcastShapes('maskedSoftmax', x.shape, mask.shape, ['x', 'mask']);
  if (target.length !== x.ndim || target.some((d, i) => d !== x.shape[i])) {
    throw new ShapeError(
      `maskedSoftmax: mask must broadcast to x's shape ${formatShape(x.shape)}; got ${formatShape(mask.shape)}.`,
    );
  }
  const keep = mask.ndim === 0 ? reshape(mask, [1]) : mask;
  // logicalNot(keep) as a loop (no gradient; keeps the logical ops out of a maskedSoftmax page).
  const blocked = tensor(
    Uint8Array.from(keep.toTypedArray(), (v) => (v === 0 ? 1 : 0)),
    {
      shape: keep.shape,
      dtype: 'bool',
    },
  );
  // A row with no visible key has a keep count of 0 along the keys axis (an extent-1 keys axis
  // broadcasts, so counting it is still right). Its scores become 0 (finite) so the softmax stays
  // NaN-free in forward and backward; the final maskedFill zeroes its weights and gradients.
  const emptyRow = emptyRows(keep);
  const blockedLogits = maskedFill(x, blocked, Number.NEGATIVE_INFINITY);
  // Filling with an all-false mask is the identity (values and gradient), so the common case
  // (every row sees a key, e.g. a causal mask) skips a full pass over the scores each way.
  const logits = emptyRow === null ? blockedLogits : maskedFill(blockedLogits, emptyRow, 0);
  return maskedFill(softmax(logits, -1), blocked, 0);
}

/**
 * The rows of a bool mask with no true entry along its last axis, as a bool tensor of the mask's
 * shape with that axis at extent 1 (PyTorch `mask.sum(-1, keepdim=True) == 0`); `null` when every
 * row has one. A plain loop: the mask carries no gradient, and a maskedSoftmax page then needs no
 * reduction or comparison op (issue 12, bundle size).
 */
function emptyRows(keep: Tensor): Tensor | null {
  const shape = [...keep.shape.slice(0, -1), 1];
  const n = keep.shape[keep.ndim - 1]!;
  const values = keep.toTypedArray();
  const rows = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  let any = false;
  for (let r = 0, p = 0; r < rows.length; r++, p += n) {
    let j = 0;
    while (j < n && values[p + j] === 0) j++;
    if (j < n) continue;
    rows[r] = 1;
    any = true;
  }
  return any ? tensor(rows, { shape, dtype: 'bool' }) : null;
}
