import { record } from '../autograd/record.js';
import { allocate, type TypedArray } from '../dtype.js';
import { backend } from '../kernels/registry.js';
import { createView, type NdArray } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * Copies the view `src` into the row-major array `out` of `outShape`, at the region whose indices
 * along `axis` are `start, start + step, …` (`src.shape[axis]` of them) and equal to src's elsewhere.
 * Calls `backend().copyStrided` once per block that is contiguous in `out`: the whole
 * `(length, ...rest)` slab per outer index when `step` is 1, each `(...rest)` row otherwise.
 */
export function copyIntoAxisRange(
  out: TypedArray,
  outShape: readonly number[],
  axis: number,
  start: number,
  step: number,
  src: NdArray,
): void {
  const { shape, stride, data } = src;
  const length = shape[axis]!;
  const dim = outShape[axis]!;
  const inner = shapeSize(outShape.slice(axis + 1));
  const blockAxis = step === 1 ? axis : axis + 1;
  const lead = shape.slice(0, blockAxis);
  const blockShape = shape.slice(blockAxis);
  const blockStride = stride.slice(blockAxis);
  const blocks = shapeSize(lead);
  if (blocks === 0 || shapeSize(blockShape) === 0) return;
  const idx = new Array<number>(lead.length).fill(0);
  const view = { data, offset: src.offset, stride: blockStride };
  for (let b = 0; b < blocks; b++) {
    // Block b is outer index o (and, when step > 1, position k along axis).
    const o = step === 1 ? b : Math.floor(b / length);
    const k = step === 1 ? 0 : b - o * length;
    backend().copyStrided(out, (o * dim + start + k * step) * inner, view, blockShape);
    for (let d = lead.length - 1; d >= 0; d--) {
      view.offset += stride[d]!;
      const next = idx[d]! + 1;
      if (next < lead[d]!) {
        idx[d] = next;
        break;
      }
      view.offset -= stride[d]! * lead[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * Zeros of `shape` with `g` written at indices `start, start + step, …` along `axis`: the backward
 * of a strided view along one axis (slice, narrow, split, concat's inputs in reverse).
 */
export function scatterIntoZeros(
  g: Tensor,
  shape: readonly number[],
  axis: number,
  start: number,
  step: number,
): Tensor {
  const out = allocate(g.dtype, shapeSize(shape), 'scatter', shape);
  copyIntoAxisRange(out, shape, axis, start, step, g.nd);
  return new Tensor(createView(out, shape), g.dtype);
}

/**
 * A view of `x` keeping indices `start, start + step, …` (`length` of them) along `axis`, sharing
 * storage. Arguments must already be validated and in range. Backward scatters into zeros.
 */
export function axisRangeView(
  op: string,
  x: Tensor,
  axis: number,
  start: number,
  length: number,
  step: number,
): Tensor {
  const shape = x.shape.slice();
  const stride = x.nd.stride.slice();
  shape[axis] = length;
  // An empty view may point one past the end of the axis; its offset is never read.
  const offset = x.nd.offset + start * stride[axis]!;
  stride[axis] = stride[axis]! * step;
  const out = new Tensor(createView(x.nd.data, shape, stride, offset), x.dtype);
  return record(op, out, [x], (g) => [scatterIntoZeros(g, x.shape, axis, start, step)]);
}
