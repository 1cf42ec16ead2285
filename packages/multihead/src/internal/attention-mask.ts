import { type CausalAlignment, type MaskLike, toAdditiveMask } from '@attnkit/masking';
import { alibiBias } from '@attnkit/positional';
import {
  add,
  formatShape,
  InvalidArgumentError,
  isFloating,
  ShapeError,
  type Tensor,
  unsqueeze,
} from '@attnkit/tensor';

/** What {@link attentionMask} needs to know about the scores `(batch, heads, queries, keys)`. */
export interface ScoresLayout {
  readonly batch: number;
  readonly heads: number;
  readonly queries: number;
  readonly keys: number;
  readonly dtype: 'float32' | 'float64';
}

/**
 * The user's mask in the 4-D layout of the per-head scores, with the ALiBi bias added when asked:
 * a rank-3 mask is `(batch, queries, keys)` and gains a heads axis; ranks ≤ 2 and 4 broadcast as is.
 * A bool mask stays bool (`true` = may attend) unless ALiBi turns it into an additive one
 * (0 / −∞ plus the bias); a float mask is added to the scores.
 * @throws {@link InvalidArgumentError} if the mask is neither bool nor float32/float64.
 * @throws {@link ShapeError} naming both shapes if it does not broadcast to the scores.
 */
export function attentionMask(
  op: string,
  mask: MaskLike | undefined,
  alibi: boolean,
  alignment: CausalAlignment,
  layout: ScoresLayout,
): Tensor | undefined {
  const { batch, heads, queries, keys, dtype } = layout;
  let m: Tensor | undefined;
  if (mask !== undefined) {
    if (mask.dtype !== 'bool' && !isFloating(mask.dtype)) {
      throw new InvalidArgumentError(
        `${op}: mask must have dtype bool (true = may attend) or float32/float64 (added to the scores); got ${mask.dtype}.`,
      );
    }
    const shaped = mask.ndim === 3 ? unsqueeze(mask, 1) : mask;
    const target = [batch, heads, queries, keys];
    const lead = 4 - shaped.ndim;
    const fits = lead >= 0 && shaped.shape.every((d, i) => d === 1 || d === target[lead + i]);
    if (!fits) {
      throw new ShapeError(
        `${op}: mask must broadcast to (batch, heads, queries, keys) = ${formatShape(target)} or be (batch, queries, keys) = (${batch}, ${queries}, ${keys}); got ${formatShape(mask.shape)}.`,
      );
    }
    m = shaped;
  }
  if (!alibi) return m;
  // Press et al. 2022: −m_h·(i' − j) added to head h's logits; (heads, queries, keys) broadcasts over batch.
  const bias = alibiBias(heads, queries, keys, { alignment, dtype });
  if (m === undefined) return bias;
  return add(m.dtype === 'bool' ? toAdditiveMask(m, dtype) : m, bias);
}
