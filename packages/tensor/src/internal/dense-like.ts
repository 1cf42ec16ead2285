import { allocate, allocateUninitialized, type DType } from '../dtype.js';
import { createView } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Row-major strides for a new dense tensor of `shape` whose axes are stored in the order of
 * `likeStride` (larger stride = outer; ties keep their order), the last axis innermost — PyTorch's
 * preserved memory format. For a head-split view (batch, heads, n, d) of a (batch, n, heads·d)
 * projection this stores the result as (batch, n, heads, d), so merging its heads back is free.
 */
export function stridesLike(likeStride: readonly number[], shape: readonly number[]): number[] {
  const last = shape.length - 1;
  const stride = new Array<number>(shape.length);
  if (last < 0) return stride;
  const order = shape
    .slice(0, last)
    .map((_, ax) => ax)
    .sort((a, b) => likeStride[b]! - likeStride[a]! || a - b);
  stride[last] = 1;
  for (let i = order.length - 1, step = shape[last]!; i >= 0; i--) {
    stride[order[i]!] = step;
    step *= shape[order[i]!]!;
  }
  return stride;
}

/**
 * A new dense tensor of `like`'s shape with last extent `last`, of `dtype`, stored in `like`'s axis
 * order ({@link stridesLike}). `zeroed`: zero-filled; else every element is for the kernel to write
 * (`allocateUninitialized`). `op` names the request in a memory-limit error.
 */
export function emptyLike(like: Tensor, last: number, dtype: DType, zeroed: boolean, op: string): Tensor {
  const shape = [...like.shape.slice(0, -1), last];
  const n = shapeSize(shape);
  const data = zeroed ? allocate(dtype, n, op, shape) : allocateUninitialized(dtype, n, op, shape);
  return new Tensor(createView(data, shape, stridesLike(like.nd.stride, shape)), dtype);
}
