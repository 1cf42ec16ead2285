import { formatShape, ShapeError } from '../errors.js';
import { checkAxisIndex, checkAxisIndexValues, gatherAlongAxis } from '../internal/axis-gather.js';
import type { Tensor } from '../tensor.js';

/**
 * Reads `x` along `axis` at positions given per element by `index` (PyTorch `torch.gather`):
 * `out[i][j][k] = x[index[i][j][k]][j][k]` for axis 0, and likewise for other axes.
 *
 * Shapes: x (d0, …, dn-1), index (e0, …, en-1) with e_j <= d_j off `axis` -> (e0, …, en-1)
 *
 * @param x - A tensor with at least one axis.
 * @param axis - The axis the indices select along (negative counts from the end).
 * @param index - An int32 tensor of `x`'s rank with values in [0, d_axis).
 * @returns A new contiguous tensor of `x`'s dtype and `index`'s shape.
 * @throws {@link ShapeError} if `x` is 0-d, or `index` has another rank than `x` or a larger
 *   extent off `axis` (the message names both shapes).
 * @throws {@link InvalidArgumentError} if `axis` is out of range, `index` is not int32, or an
 *   index lies outside [0, d_axis) (the message names it and its position).
 * @remarks Backward scatter-adds the gradient into zeros of `x`'s shape (repeats accumulate).
 * @see PyTorch `torch.gather`.
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' })); // [[1, 1], [4, 3]]
 * ```
 */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = checkAxisIndex('gather', x, axis, index);
  const fits = index.ndim === x.ndim && index.shape.every((e, d) => d === ax || e <= x.shape[d]!);
  if (!fits) {
    throw new ShapeError(
      `gather: index must have the rank of x ${formatShape(x.shape)} and no larger extent off axis ${ax}; got ${formatShape(index.shape)}.`,
    );
  }
  checkAxisIndexValues('gather', x, ax, index);
  const indexView = { data: index.nd.data as Int32Array, offset: index.nd.offset, stride: index.nd.stride };
  return gatherAlongAxis('gather', x, ax, index.shape.slice(), indexView);
}
