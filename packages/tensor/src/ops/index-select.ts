import { shapeError } from '../errors.js';
import { checkAxisIndex, checkAxisIndexValues, gatherAlongAxis } from '../internal/axis-gather.js';
import type { Tensor } from '../tensor.js';

/**
 * Picks the entries `index[0], index[1], …` of `x` along `axis` (PyTorch `torch.index_select`).
 * Indices may repeat; the result is a copy.
 *
 * Shapes: x (…, d, …), index (n) -> (…, n, …)
 *
 * @param x - A tensor with at least one axis.
 * @param axis - The axis to index (negative counts from the end).
 * @param index - A 1-D int32 tensor of values in [0, d).
 * @returns A new contiguous tensor of `x`'s dtype.
 * @throws {@link ShapeError} if `index` is not 1-D or `x` is 0-d.
 * @throws {@link InvalidArgumentError} if `axis` is out of range, `index` is not int32, or an
 *   index lies outside [0, d) (the message names it and its position).
 * @remarks Backward scatter-adds the gradient rows into zeros, so repeated indices accumulate.
 * @see PyTorch `torch.index_select`.
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, tensor([2, 0], { dtype: 'int32' })); // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(x: Tensor, axis: number, index: Tensor): Tensor {
  const ax = checkAxisIndex('indexSelect', x, axis, index);
  if (index.ndim !== 1) throw shapeError('indexSelect', 'index', '(n)', index.shape);
  checkAxisIndexValues('indexSelect', x, ax, index);
  const shape = x.shape.slice();
  shape[ax] = index.shape[0]!;
  // The index varies only along `axis`; x contributes its strides off `axis` and index·stride[axis].
  const indexView = {
    data: index.nd.data as Int32Array,
    offset: index.nd.offset,
    stride: shape.map((_, d) => (d === ax ? index.nd.stride[0]! : 0)),
  };
  return gatherAlongAxis('indexSelect', x, ax, shape, indexView);
}
