import '../kernels/js/gather.js';
import { record } from '../autograd/record.js';
import { allocate } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { StridedView } from '../kernels/types.js';
import { contiguousStrides, createView } from '../ndarray.js';
import { normalizeAxis, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkIndexTensor } from './index-check.js';

/**
 * The checks `gather` and `indexSelect` run first, in this order: `x` has an axis, `axis` is in
 * range, `index` is int32. Returns the normalized axis.
 * @throws {@link ShapeError} if `x` is 0-d.
 * @throws {@link InvalidArgumentError} if `axis` is out of range or `index` is not int32.
 */
export function checkAxisIndex(op: string, x: Tensor, axis: number, index: Tensor): number {
  if (x.ndim === 0) {
    throw new ShapeError(`${op}: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  const ax = normalizeAxis(op, axis, x.ndim);
  if (index.dtype !== 'int32') {
    throw new InvalidArgumentError(`${op}: index must have dtype int32; got ${index.dtype}.`);
  }
  return ax;
}

/**
 * Checks that every value of `index` lies in [0, x.shape[ax]).
 * @throws {@link InvalidArgumentError} naming the first offending value and its position.
 */
export function checkAxisIndexValues(op: string, x: Tensor, ax: number, index: Tensor): void {
  checkIndexTensor(op, 'index', index, x.shape[ax]!, `the extent of axis ${ax} of x ${formatShape(x.shape)}`);
}

/**
 * Reads `x` along `ax` at the positions `indexView` gives for each element of `shape` (x's
 * strides off `ax`, index·stride[ax] along it) into a new contiguous tensor, recording a backward
 * that scatter-adds the gradient into zeros of `x`'s shape (repeated indices accumulate).
 */
export function gatherAlongAxis(
  op: string,
  x: Tensor,
  ax: number,
  shape: readonly number[],
  indexView: StridedView<Int32Array>,
): Tensor {
  const srcView = {
    data: x.nd.data,
    offset: x.nd.offset,
    stride: x.nd.stride.map((s, d) => (d === ax ? 0 : s)),
  };
  const data = allocate(x.dtype, shapeSize(shape), op, shape);
  backend().gather(data, shape, srcView, indexView, x.nd.stride[ax]!);
  const out = new Tensor(createView(data, shape), x.dtype);
  return record(op, out, [x], (g) => {
    const strides = contiguousStrides(x.shape);
    const grad = allocate(g.dtype, x.numel());
    const target = { data: grad, offset: 0, stride: strides.map((s, d) => (d === ax ? 0 : s)) };
    backend().scatterAdd(target, shape, g.nd, indexView, strides[ax]!);
    return [new Tensor(createView(grad, x.shape), g.dtype)];
  });
}
