import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { axisRangeView } from '../internal/axis-range.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * A view of `x` keeping indices `start, start + step, …` below `end` along `axis`: Python's
 * `x[..., start:end:step]` (no copy).
 *
 * Shapes: x (…, d, …) -> (…, max(0, ceil((end - start) / step)), …) after resolving the indices
 *
 * @param x - A tensor with at least one axis.
 * @param axis - The axis to slice (negative counts from the end).
 * @param start - First index; negative counts from the end; clamped to [0, d] as in Python.
 * @param end - One past the last index (default d); negative counts from the end; clamped to [0, d].
 * @param step - Positive stride between kept indices.
 * @returns A view sharing `x`'s storage (empty when `start >= end` after resolution).
 * @throws {@link ShapeError} if `x` is 0-d.
 * @throws {@link InvalidArgumentError} if `axis` is out of range, `start` or `end` is not an
 *   integer, or `step` is not a positive integer.
 * @see Python slicing (`slice.indices`); PyTorch basic indexing.
 * @example
 * ```ts
 * slice(arange(10), 0, -3); // [7, 8, 9]
 * slice(arange(10), 0, 1, 8, 3); // [1, 4, 7]
 * ```
 */
export function slice(x: Tensor, axis: number, start: number, end?: number, step = 1): Tensor {
  if (x.ndim === 0) {
    throw new ShapeError(`slice: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  const ax = normalizeAxis('slice', axis, x.ndim);
  if (!Number.isInteger(step) || step <= 0) {
    throw new InvalidArgumentError(`slice: step must be a positive integer; got ${step}.`);
  }
  const dim = x.shape[ax]!;
  const s = resolveIndex('start', start, dim);
  const e = end === undefined ? dim : resolveIndex('end', end, dim);
  const length = e > s ? Math.ceil((e - s) / step) : 0;
  return axisRangeView('slice', x, ax, s, length, step);
}

/** Python's rule: negative counts from the end, then clamp to [0, dim]. */
function resolveIndex(argument: string, i: number, dim: number): number {
  if (!Number.isInteger(i)) {
    throw new InvalidArgumentError(`slice: ${argument} must be an integer; got ${i}.`);
  }
  const j = i < 0 ? i + dim : i;
  return Math.min(Math.max(j, 0), dim);
}
