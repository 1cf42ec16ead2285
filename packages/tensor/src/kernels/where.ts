import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import { isConstant, isRowMajor } from './binary.js';
import { collapseAxes } from './collapse.js';
import type { StridedView } from './types.js';

/**
 * out[i] = cond[i] !== 0 ? a[i] : b[i] over `shape`, with all three views already given broadcast
 * strides for `shape` (stride 0 on broadcast axes); `out` is row-major from 0.
 * Fast paths: `cond` row-major and each of `a`, `b` row-major or a single broadcast value.
 */
export function whereKernel(
  out: TypedArray,
  shape: readonly number[],
  cond: StridedView,
  a: StridedView,
  b: StridedView,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const aFlat = isRowMajor(shape, a.stride);
  const bFlat = isRowMajor(shape, b.stride);
  if (isRowMajor(shape, cond.stride) && (aFlat || isConstant(a.stride)) && (bFlat || isConstant(b.stride))) {
    const c = cond.data.subarray(cond.offset, cond.offset + n);
    if (aFlat && bFlat) {
      const x = a.data.subarray(a.offset, a.offset + n);
      const y = b.data.subarray(b.offset, b.offset + n);
      for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? x[i]! : y[i]!;
    } else if (aFlat) {
      const x = a.data.subarray(a.offset, a.offset + n);
      const y = b.data[b.offset]!;
      for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? x[i]! : y;
    } else if (bFlat) {
      const x = a.data[a.offset]!;
      const y = b.data.subarray(b.offset, b.offset + n);
      for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? x : y[i]!;
    } else {
      const x = a.data[a.offset]!;
      const y = b.data[b.offset]!;
      for (let i = 0; i < n; i++) out[i] = c[i] !== 0 ? x : y;
    }
    return;
  }
  // Broadcast or strided: collapse mergeable axes (a (queries, keys) mask over (batch, heads,
  // queries, keys) scores becomes (batch·heads, queries·keys)), then rows with an odometer.
  const layout = collapseAxes(shape, [cond.stride, a.stride, b.stride]);
  const dims = layout.shape;
  const [strideC, strideA, strideB] = layout.strides as [number[], number[], number[]];
  const nd = dims.length;
  const last = nd - 1;
  const inner = dims[last]!;
  // Inline odometer, not lanes.ts forEachLane: its per-row closure measured 5–40% slower here.
  const idx = new Array<number>(nd).fill(0);
  let ic = cond.offset;
  let ia = a.offset;
  let ib = b.offset;
  const outer = n / inner;
  for (let k = 0, o = 0; k < outer; k++, o += inner) {
    whereRow(
      out,
      o,
      inner,
      cond.data,
      ic,
      strideC[last]!,
      a.data,
      ia,
      strideA[last]!,
      b.data,
      ib,
      strideB[last]!,
    );
    for (let d = last - 1; d >= 0; d--) {
      const next = idx[d]! + 1;
      ic += strideC[d]!;
      ia += strideA[d]!;
      ib += strideB[d]!;
      if (next < dims[d]!) {
        idx[d] = next;
        break;
      }
      ic -= strideC[d]! * dims[d]!;
      ia -= strideA[d]! * dims[d]!;
      ib -= strideB[d]! * dims[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * One row of n elements: out[o + j] = c[pc + j·sc] !== 0 ? a[pa + j·sa] : b[pb + j·sb]. A stride-0
 * value (the fill of `maskedFill`) is read once, outside the loop.
 */
function whereRow(
  out: TypedArray,
  o: number,
  n: number,
  cd: TypedArray,
  pc: number,
  sc: number,
  ad: TypedArray,
  pa: number,
  sa: number,
  bd: TypedArray,
  pb: number,
  sb: number,
): void {
  const end = o + n;
  if (sa === 0) {
    const x = ad[pa]!;
    for (let q = o; q < end; q++, pc += sc, pb += sb) out[q] = cd[pc] !== 0 ? x : bd[pb]!;
  } else if (sb === 0) {
    const y = bd[pb]!;
    for (let q = o; q < end; q++, pc += sc, pa += sa) out[q] = cd[pc] !== 0 ? ad[pa]! : y;
  } else {
    for (let q = o; q < end; q++, pc += sc, pa += sa, pb += sb) out[q] = cd[pc] !== 0 ? ad[pa]! : bd[pb]!;
  }
}
