import { record } from '../autograd/record.js';
import { allocate } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError, shapeError } from '../errors.js';
import { checkIndexTensor } from '../internal/index-check.js';
import { kernels } from '../kernels/registry.js';
import { contiguousStrides, createView } from '../ndarray.js';
import { normalizeAxis, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';

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
  if (x.ndim === 0) {
    throw new ShapeError(`indexSelect: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  const ax = normalizeAxis('indexSelect', axis, x.ndim);
  if (index.dtype !== 'int32') {
    throw new InvalidArgumentError(`indexSelect: index must have dtype int32; got ${index.dtype}.`);
  }
  if (index.ndim !== 1) throw shapeError('indexSelect', 'index', '(n)', index.shape);
  const dim = x.shape[ax]!;
  checkIndexTensor(
    'indexSelect',
    'index',
    index,
    dim,
    `the extent of axis ${ax} of x ${formatShape(x.shape)}`,
  );
  const shape = x.shape.slice();
  shape[ax] = index.shape[0]!;
  // The index varies only along `axis`; x contributes its strides off `axis` and index·stride[axis].
  const indexView = {
    data: index.nd.data as Int32Array,
    offset: index.nd.offset,
    stride: shape.map((_, d) => (d === ax ? index.nd.stride[0]! : 0)),
  };
  const srcView = {
    data: x.nd.data,
    offset: x.nd.offset,
    stride: x.nd.stride.map((s, d) => (d === ax ? 0 : s)),
  };
  const data = allocate(x.dtype, shapeSize(shape));
  kernels.gather(data, shape, srcView, indexView, x.nd.stride[ax]!);
  const out = new Tensor(createView(data, shape), x.dtype);
  return record('indexSelect', out, [x], (g) => {
    const strides = contiguousStrides(x.shape);
    const grad = allocate(g.dtype, x.size);
    const target = { data: grad, offset: 0, stride: strides.map((s, d) => (d === ax ? 0 : s)) };
    kernels.scatterAdd(target, g.shape, g.nd, indexView, strides[ax]!);
    return [new Tensor(createView(grad, x.shape), g.dtype)];
  });
}
