import { argExtremum } from '../internal/extremum.js';
import type { Tensor } from '../tensor.js';
import type { ArgReduceOptions } from './argmax.js';

/**
 * Index of the smallest element along `axis`, or in the row-major flattening of `x` when no axis
 * is given. Not differentiable.
 *
 * Shapes: x (...) -> x's shape without `axis` (extent 1 with `keepDim`); no axis -> () or all ones
 *
 * @param x - Input of any dtype.
 * @param options - `axis` (one axis, negative counts from the end) and `keepDim`.
 * @returns int32 indices; ties give the first occurrence, and a NaN counts as the smallest.
 * @throws {@link InvalidArgumentError} if `axis` is out of range.
 * @throws {@link InvalidArgumentError} if the searched axis (or the whole tensor) is empty.
 * @see PyTorch `torch.argmin`.
 * @example
 * ```ts
 * argmin(tensor([[1, 0, 0], [7, 2, 9]]), { axis: 1 }); // [1, 1] (int32)
 * argmin(tensor([[1, 5], [7, 0]])); // 3, the index of 0 in [1, 5, 7, 0]
 * ```
 */
export function argmin(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return argExtremum('argmin', x, options);
}
