import { formatShape, InvalidArgumentError } from '@attnkit/tensor';
import type { ShapesConstraints } from '../shapes.js';

/**
 * Checks that a size-like constraint is an integer ≥ `min`; returns it.
 * @throws {@link InvalidArgumentError} naming `op` and `name` otherwise.
 */
export function checkInteger(op: string, name: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${name} must be an integer ≥ ${min}; got ${value}.`);
  }
  return value;
}

/**
 * Checks that a lower bound does not exceed its upper bound.
 * @throws {@link InvalidArgumentError} naming both bounds otherwise.
 */
export function checkOrder(op: string, lowName: string, low: number, highName: string, high: number): void {
  if (!(low <= high)) {
    throw new InvalidArgumentError(
      `${op}: ${lowName} must be ≤ ${highName}; got ${lowName} ${low}, ${highName} ${high}.`,
    );
  }
}

/**
 * Checks a fixed shape: non-negative integer extents; returns a copy.
 * @throws {@link InvalidArgumentError} otherwise.
 */
export function checkFixedShape(op: string, name: string, shape: readonly number[]): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(
        `${op}: ${name} must contain non-negative integers; got ${formatShape(shape)}.`,
      );
    }
  }
  return shape.slice();
}

/**
 * {@link ShapesConstraints} with defaults filled in (shared by `shapes`, `broadcastableShapes` and
 * the properties).
 * @throws {@link InvalidArgumentError} if a bound is negative or not an integer, or a minimum exceeds its maximum.
 */
export function resolveShapesConstraints(
  op: string,
  constraints: ShapesConstraints,
): Required<ShapesConstraints> {
  const minRank = checkInteger(op, 'minRank', constraints.minRank ?? 0);
  const maxRank = checkInteger(op, 'maxRank', constraints.maxRank ?? Math.max(4, minRank));
  const minSide = checkInteger(op, 'minSide', constraints.minSide ?? 1);
  const maxSide = checkInteger(op, 'maxSide', constraints.maxSide ?? Math.max(6, minSide));
  checkOrder(op, 'minRank', minRank, 'maxRank', maxRank);
  checkOrder(op, 'minSide', minSide, 'maxSide', maxSide);
  return { minRank, maxRank, minSide, maxSide };
}
