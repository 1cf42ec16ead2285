import { checkOptions } from '@attnkit/tensor';
import fc from 'fast-check';
import { resolveShapesConstraints } from './internal/validate.js';
import type { ShapesConstraints } from './shapes.js';

/**
 * Constraints of {@link broadcastableShapes}: the bounds of {@link ShapesConstraints}, applied to
 * the broadcast result and to the rank of each operand.
 */
export interface BroadcastableShapesConstraints extends ShapesConstraints {}

/**
 * Pairs of shapes `[a, b]` that broadcast together (NumPy/PyTorch rules).
 *
 * Shapes: -> [a, b] where broadcastShapes(a, b) succeeds; each extent of a and b is the shared
 * extent in [minSide, maxSide] or 1
 *
 * @param constraints - Rank and extent bounds; each operand has minRank…maxRank axes.
 * @returns An arbitrary of shape pairs that shrinks toward equal shapes of rank `minRank`, extents `minSide`.
 * @throws {@link InvalidArgumentError} if a bound is not a non-negative integer, or `minRank > maxRank`,
 *   or `minSide > maxSide`.
 * @remarks Built by construction, never by filtering: draw the result shape, then derive each
 *   operand by dropping some leading axes (keeping at least `minRank`) and setting some extents to 1.
 *   Every pair is therefore valid and no generation effort is wasted.
 * @see Hypothesis `hypothesis.extra.numpy.mutually_broadcastable_shapes`.
 * @example
 * ```ts
 * fc.assert(fc.property(broadcastableShapes(), ([a, b]) => add(zeros(a), zeros(b)).ndim >= a.length));
 * ```
 */
export function broadcastableShapes(
  constraints: BroadcastableShapesConstraints = {},
): fc.Arbitrary<[number[], number[]]> {
  checkOptions(
    'broadcastableShapes',
    constraints,
    { minRank: 'number', maxRank: 'number', minSide: 'number', maxSide: 'number' },
    { argument: 'constraints' },
  );
  const c = resolveShapesConstraints('broadcastableShapes', constraints);
  const result = fc.array(fc.integer({ min: c.minSide, max: c.maxSide }), {
    minLength: c.minRank,
    maxLength: c.maxRank,
  });
  // Per operand: how many leading axes to drop (none in half the draws), and which axes, counted
  // from the right, become 1 (one in four). Both shrink toward "keep the result's axis".
  const span = c.maxRank - c.minRank;
  const drop = fc.integer({ min: 0, max: 2 * span }).map((k) => Math.max(0, k - span));
  const one = fc.integer({ min: 0, max: 3 }).map((k) => k === 3);
  const operand = fc.tuple(drop, fc.array(one, { minLength: c.maxRank, maxLength: c.maxRank }));
  return fc
    .tuple(result, operand, operand)
    .map(([shape, a, b]) => [derive(shape, a, c.minRank, c.maxRank), derive(shape, b, c.minRank, c.maxRank)]);
}

/** One operand of `shape`: `drop` leading axes removed (down to `minRank`), flagged axes set to 1. */
function derive(
  shape: readonly number[],
  [drop, ones]: [number, boolean[]],
  minRank: number,
  maxRank: number,
): number[] {
  const rank = shape.length - Math.min(drop, shape.length - minRank);
  const kept = shape.slice(shape.length - rank);
  // Flags align right, like broadcasting: ones[maxRank - 1] belongs to the last axis.
  return kept.map((d, i) => (ones[maxRank - rank + i] ? 1 : d));
}
