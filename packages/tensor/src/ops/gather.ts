import { record } from '../autograd/record.js';
import { allocate } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { checkIndexTensor } from '../internal/index-check.js';
import { kernels } from '../kernels/registry.js';
import { contiguousStrides, createView } from '../ndarray.js';
import { normalizeAxis, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';

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
  if (x.ndim === 0) {
    throw new ShapeError(`gather: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  const ax = normalizeAxis('gather', axis, x.ndim);
  if (index.dtype !== 'int32') {
    throw new InvalidArgumentError(`gather: index must have dtype int32; got ${index.dtype}.`);
  }
  const fits = index.ndim === x.ndim && index.shape.every((e, d) => d === ax || e <= x.shape[d]!);
  if (!fits) {
    throw new ShapeError(
      `gather: index must have the rank of x ${formatShape(x.shape)} and no larger extent off axis ${ax}; got ${formatShape(index.shape)}.`,
    );
  }
  checkIndexTensor(
    'gather',
    'index',
    index,
    x.shape[ax]!,
    `the extent of axis ${ax} of x ${formatShape(x.shape)}`,
  );
  const shape = index.shape.slice();
  const indexView = { data: index.nd.data as Int32Array, offset: index.nd.offset, stride: index.nd.stride };
  const srcView = {
    data: x.nd.data,
    offset: x.nd.offset,
    stride: x.nd.stride.map((s, d) => (d === ax ? 0 : s)),
  };
  const data = allocate(x.dtype, shapeSize(shape));
  kernels.gather(data, shape, srcView, indexView, x.nd.stride[ax]!);
  const out = new Tensor(createView(data, shape), x.dtype);
  return record('gather', out, [x], (g) => {
    const strides = contiguousStrides(x.shape);
    const grad = allocate(g.dtype, x.size);
    const target = { data: grad, offset: 0, stride: strides.map((s, d) => (d === ax ? 0 : s)) };
    kernels.scatterAdd(target, shape, g.nd, indexView, strides[ax]!);
    return [new Tensor(createView(grad, x.shape), g.dtype)];
  });
}
