import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import { collapseAxes } from './collapse.js';
import type { StridedView } from './types.js';

/** An elementwise function of two numbers. */
export type BinaryFn = (x: number, y: number) => number;

/** True when `stride` walks `shape` row-major without gaps. */
export function isRowMajor(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && stride[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** True when every stride is 0: the view is one value broadcast over the whole shape. */
export function isConstant(stride: readonly number[]): boolean {
  for (const s of stride) if (s !== 0) return false;
  return true;
}

/**
 * out[i] = f(a[i], b[i]) over `shape`, with `a` and `b` already given broadcast strides for
 * `shape` (stride 0 on broadcast axes); `out` is row-major from 0.
 * Fast paths: both operands row-major, or one of them a single broadcast value.
 */
export function binaryKernel(
  f: BinaryFn,
  out: TypedArray,
  shape: readonly number[],
  a: StridedView,
  b: StridedView,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const ad = a.data;
  const bd = b.data;
  const aFlat = isRowMajor(shape, a.stride);
  const bFlat = isRowMajor(shape, b.stride);
  if ((aFlat || isConstant(a.stride)) && (bFlat || isConstant(b.stride))) {
    // Subarrays so the loops index by i alone (no per-element offset arithmetic).
    const ao = a.offset;
    const bo = b.offset;
    if (aFlat && bFlat) {
      const x = ad.subarray(ao, ao + n);
      const y = bd.subarray(bo, bo + n);
      for (let i = 0; i < n; i++) out[i] = f(x[i]!, y[i]!);
    } else if (aFlat) {
      const x = ad.subarray(ao, ao + n);
      const y = bd[bo]!;
      for (let i = 0; i < n; i++) out[i] = f(x[i]!, y);
    } else if (bFlat) {
      const x = ad[ao]!;
      const y = bd.subarray(bo, bo + n);
      for (let i = 0; i < n; i++) out[i] = f(x, y[i]!);
    } else out.fill(f(ad[ao]!, bd[bo]!));
    return;
  }
  // Broadcast or strided: collapse mergeable axes (e.g. a bias (batch, n, d) + (d) becomes
  // (batch·n, d)), then the inner axis as a tight loop and the outer axes as an odometer.
  const layout = collapseAxes(shape, [a.stride, b.stride]);
  const dims = layout.shape;
  const [strideA, strideB] = layout.strides as [number[], number[]];
  const nd = dims.length;
  const last = nd - 1;
  const inner = dims[last]!;
  const sa = strideA[last]!;
  const sb = strideB[last]!;
  // Inline odometer, not lanes.ts forEachLane: its per-row closure measured 5–40% slower here.
  const idx = new Array<number>(nd).fill(0);
  let ia = a.offset;
  let ib = b.offset;
  let o = 0;
  const outer = n / inner;
  for (let k = 0; k < outer; k++) {
    let pa = ia;
    let pb = ib;
    for (let j = 0; j < inner; j++) {
      out[o++] = f(ad[pa]!, bd[pb]!);
      pa += sa;
      pb += sb;
    }
    for (let d = last - 1; d >= 0; d--) {
      const next = idx[d]! + 1;
      ia += strideA[d]!;
      ib += strideB[d]!;
      if (next < dims[d]!) {
        idx[d] = next;
        break;
      }
      ia -= strideA[d]! * dims[d]!;
      ib -= strideB[d]! * dims[d]!;
      idx[d] = 0;
    }
  }
}
