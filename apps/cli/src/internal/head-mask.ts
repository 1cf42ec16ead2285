import type { MultiHeadAttentionForwardOptions } from '@attnkit/multihead';
import type { TransformerLM } from '@attnkit/transformer';

/**
 * Runs `fn` with `masks[b]` passed as the `headMask` of block b's self-attention
 * (`MultiHeadAttention.forward`'s per-head factors: 0 switches a head off), then restores the model.
 *
 * `TransformerLM.forward` takes no head mask, so each block's attention gets an own `forward` for
 * the duration of the call that forwards to the class method with `headMask` added; removing that
 * own property afterwards brings back the class method. Nothing is recomputed here: the attention,
 * the mask and the rest of the forward pass are the library's.
 */
export function withHeadMask<T>(model: TransformerLM, masks: readonly (readonly number[])[], fn: () => T): T {
  const patched = model.blks.map((blk, b) => {
    const attention = blk.attention;
    const method = attention.forward;
    const headMask = masks[b];
    if (headMask !== undefined) {
      attention.forward = (
        queries,
        keys,
        values,
        validLens,
        options: MultiHeadAttentionForwardOptions = {},
      ) => method.call(attention, queries, keys, values, validLens, { ...options, headMask });
    }
    return attention;
  });
  try {
    return fn();
  } finally {
    for (const attention of patched) Reflect.deleteProperty(attention, 'forward');
  }
}

/** `blocks × heads` ones with zeros at the given `[block, head]` pairs. */
export function headMasks(
  blocks: number,
  heads: number,
  off: readonly (readonly [number, number])[] = [],
): number[][] {
  const masks = Array.from({ length: blocks }, () => new Array<number>(heads).fill(1));
  for (const [b, h] of off) masks[b]![h] = 0;
  return masks;
}
