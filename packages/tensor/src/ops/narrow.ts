import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { axisRangeView } from '../internal/axis-range.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * A view of `length` consecutive indices of `x` along `axis` starting at `start` (no copy).
 *
 * Shapes: x (…, d, …) -> (…, length, …)
 *
 * @param x - A tensor with at least one axis.
 * @param axis - The axis to narrow (negative counts from the end).
 * @param start - First index, in [-d, d]; negative counts from the end.
 * @param length - Number of indices kept, with `start + length <= d`.
 * @returns A view sharing `x`'s storage.
 * @throws {@link ShapeError} if `x` is 0-d.
 * @throws {@link InvalidArgumentError} if `axis` is out of range, `start` is not an integer in
 *   [-d, d], or `length` is negative, not an integer or runs past the end of the axis.
 * @see PyTorch `torch.narrow`.
 * @example
 * ```ts
 * narrow(tensor([[1, 2, 3], [4, 5, 6]]), 1, 1, 2); // [[2, 3], [5, 6]]
 * ```
 */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  if (x.ndim === 0) {
    throw new ShapeError(`narrow: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  const ax = normalizeAxis('narrow', axis, x.ndim);
  const dim = x.shape[ax]!;
  if (!Number.isInteger(start) || start < -dim || start > dim) {
    throw new InvalidArgumentError(
      `narrow: start must be an integer in [${-dim}, ${dim}] for axis ${ax} of x ${formatShape(x.shape)}; got ${start}.`,
    );
  }
  const s = start < 0 ? start + dim : start;
  if (!Number.isInteger(length) || length < 0 || s + length > dim) {
    throw new InvalidArgumentError(
      `narrow: length must be an integer in [0, ${dim - s}] for start ${start} on axis ${ax} of x ${formatShape(x.shape)}; got ${length}.`,
    );
  }
  return axisRangeView('narrow', x, ax, s, length, 1);
}
