import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { axisRangeView } from '../internal/axis-range.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * Cuts `x` into consecutive views along `axis`: chunks of `size` (the last may be shorter), or
 * chunks with the given `sizes` (PyTorch `torch.split`). No data is copied.
 *
 * Shapes: x (…, d, …) -> [(…, s_0, …), (…, s_1, …), …] with Σ s_i = d
 *
 * @param x - A tensor with at least one axis.
 * @param sizeOrSizes - A positive chunk size, or a list of non-negative sizes summing to the extent of `axis`.
 * @param axis - The axis to cut (negative counts from the end).
 * @returns Views sharing `x`'s storage; each backpropagates into its own slab.
 * @throws {@link ShapeError} if `x` is 0-d.
 * @throws {@link InvalidArgumentError} if `axis` is out of range, `size` is not a positive
 *   integer, or `sizes` are not non-negative integers summing to the extent of `axis`.
 * @see PyTorch `torch.split`.
 * @example
 * ```ts
 * split(arange(5), 2); // [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4]); // [[0], [1, 2, 3, 4]]
 * ```
 */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], axis = 0): Tensor[] {
  if (x.ndim === 0) {
    throw new ShapeError(`split: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  const ax = normalizeAxis('split', axis, x.ndim);
  const dim = x.shape[ax]!;
  let sizes: number[];
  if (typeof sizeOrSizes === 'number') {
    const size = sizeOrSizes;
    if (!Number.isInteger(size) || size <= 0) {
      throw new InvalidArgumentError(`split: size must be a positive integer; got ${size}.`);
    }
    sizes = [];
    for (let s = 0; s < dim; s += size) sizes.push(Math.min(size, dim - s));
    if (dim === 0) sizes.push(0); // PyTorch returns one empty chunk
  } else {
    sizes = sizeOrSizes.slice();
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== dim) {
      throw new InvalidArgumentError(
        `split: sizes must be non-negative integers summing to ${dim} (axis ${ax} of x ${formatShape(x.shape)}); got [${sizes.join(', ')}].`,
      );
    }
  }
  let start = 0;
  return sizes.map((s) => {
    const part = axisRangeView('split', x, ax, start, s, 1);
    start += s;
    return part;
  });
}
