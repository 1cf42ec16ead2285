import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import type { StridedView } from './types.js';

/**
 * Indexed read: for every index p of `shape` (row-major), with
 * `k = index.data[index.offset + Σ p[d]·index.stride[d]]`,
 * `out[p] = src.data[src.offset + Σ p[d]·src.stride[d] + k·indexStride]`; `out` is row-major from 0.
 *
 * One kernel serves `gather`, `indexSelect` and `embedding`: the op chooses the strides (0 on
 * the axes an operand does not vary along). Indices are trusted to be in range.
 */
export function gatherKernel(
  out: TypedArray,
  shape: readonly number[],
  src: StridedView,
  index: StridedView<Int32Array>,
  indexStride: number,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const sd = src.data;
  const id = index.data;
  const nd = shape.length;
  if (nd === 0) {
    out[0] = sd[src.offset + id[index.offset]! * indexStride]!;
    return;
  }
  const last = nd - 1;
  const inner = shape[last]!;
  const ss = src.stride[last]!;
  const is = index.stride[last]!;
  // Inline odometer, not lanes.ts forEachLane: its per-row closure measured 5–40% slower here.
  const idx = new Array<number>(nd).fill(0);
  let sb = src.offset;
  let ib = index.offset;
  let o = 0;
  const outer = n / inner;
  for (let k = 0; k < outer; k++) {
    if (is === 0) {
      // One index for the whole row (an embedding lookup): hoisted out of the inner loop.
      let ps = sb + id[ib]! * indexStride;
      for (let j = 0; j < inner; j++) {
        out[o++] = sd[ps]!;
        ps += ss;
      }
    } else {
      let ps = sb;
      let pi = ib;
      for (let j = 0; j < inner; j++) {
        out[o++] = sd[ps + id[pi]! * indexStride]!;
        ps += ss;
        pi += is;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      sb += src.stride[d]!;
      ib += index.stride[d]!;
      const next = idx[d]! + 1;
      if (next < shape[d]!) {
        idx[d] = next;
        break;
      }
      sb -= src.stride[d]! * shape[d]!;
      ib -= index.stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * Indexed accumulate, the adjoint of {@link gatherKernel}: for every index p of `shape`, with
 * `k` read from `index` as there, `out.data[out.offset + Σ p[d]·out.stride[d] + k·indexStride] += src[p]`.
 * Repeated targets accumulate. Used by the backward of the indexing ops and by `oneHot`.
 */
export function scatterAddKernel(
  out: StridedView,
  shape: readonly number[],
  src: StridedView,
  index: StridedView<Int32Array>,
  indexStride: number,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const od = out.data;
  const sd = src.data;
  const id = index.data;
  const nd = shape.length;
  if (nd === 0) {
    const q = out.offset + id[index.offset]! * indexStride;
    od[q] = od[q]! + sd[src.offset]!;
    return;
  }
  const last = nd - 1;
  const inner = shape[last]!;
  const os = out.stride[last]!;
  const ss = src.stride[last]!;
  const is = index.stride[last]!;
  // Inline odometer, not lanes.ts forEachLane: its per-row closure measured 5–40% slower here.
  const idx = new Array<number>(nd).fill(0);
  let ob = out.offset;
  let sb = src.offset;
  let ib = index.offset;
  const outer = n / inner;
  for (let k = 0; k < outer; k++) {
    if (is === 0) {
      // One index for the whole row (the embedding backward): hoisted out of the inner loop.
      let q = ob + id[ib]! * indexStride;
      let ps = sb;
      for (let j = 0; j < inner; j++) {
        od[q] = od[q]! + sd[ps]!;
        q += os;
        ps += ss;
      }
    } else {
      let po = ob;
      let ps = sb;
      let pi = ib;
      for (let j = 0; j < inner; j++) {
        const q = po + id[pi]! * indexStride;
        od[q] = od[q]! + sd[ps]!;
        po += os;
        ps += ss;
        pi += is;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      ob += out.stride[d]!;
      sb += src.stride[d]!;
      ib += index.stride[d]!;
      const next = idx[d]! + 1;
      if (next < shape[d]!) {
        idx[d] = next;
        break;
      }
      ob -= out.stride[d]! * shape[d]!;
      sb -= src.stride[d]! * shape[d]!;
      ib -= index.stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
