import { broadcastShapes, InvalidArgumentError, logicalAnd } from '@attnkit/tensor';
import { checkBoolMask, type KeepMask } from './mask-types.js';

/**
 * Combines {@link KeepMask}s (`true` = may attend) with logical AND and broadcasting: a key stays
 * visible only if every mask allows it (e.g. causal AND padding).
 *
 * Shapes: masks (...a), (...b), ... -> broadcast shape
 *
 * @param masks - One or more `KeepMask`s; {@link BlockMask}s are rejected by the type (invert
 *   them first).
 * @returns A new bool `KeepMask` of the broadcast shape (a single mask is returned unchanged).
 * @throws {@link InvalidArgumentError} if no mask is given or a mask is not of dtype bool.
 * @throws {@link ShapeError} if the shapes do not broadcast; the message names both shapes.
 * @example
 * ```ts
 * const keep = combineMasks(causalMask(4), paddingMask([2, 4], 4)); // (2, 4, 4)
 * ```
 */
export function combineMasks(...masks: KeepMask[]): KeepMask {
  const [first, ...rest] = masks;
  if (first === undefined) {
    throw new InvalidArgumentError('combineMasks: masks must contain at least one mask; got none.');
  }
  // Check dtypes and broadcasting up front so errors name the masks, not logicalAnd's a and b.
  let shape: readonly number[] = first.shape;
  for (let i = 0; i < masks.length; i++) {
    const m = masks[i] as KeepMask;
    checkBoolMask('combineMasks', m, `masks[${i}]`);
    if (i === 0) continue;
    const soFar = i === 1 ? 'masks[0]' : `masks[0..${i - 1}]`;
    shape = broadcastShapes('combineMasks', shape, m.shape, [soFar, `masks[${i}]`]);
  }
  let out = first as KeepMask;
  for (const m of rest) out = logicalAnd(out, m) as KeepMask;
  return out;
}
