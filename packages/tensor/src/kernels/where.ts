import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import { isRowMajor } from './binary.js';
import type { StridedView } from './types.js';

function isConstant(stride: readonly number[]): boolean {
  for (const s of stride) if (s !== 0) return false;
  return true;
}

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
  // Strided: inner axis as a tight loop, outer axes as an odometer over the three views.
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  const nd = shape.length;
  const last = nd - 1;
  const inner = shape[last]!;
  const sc = cond.stride[last]!;
  const sa = a.stride[last]!;
  const sb = b.stride[last]!;
  const idx = new Array<number>(nd).fill(0);
  let ic = cond.offset;
  let ia = a.offset;
  let ib = b.offset;
  let o = 0;
  const outer = n / inner;
  for (let k = 0; k < outer; k++) {
    let pc = ic;
    let pa = ia;
    let pb = ib;
    for (let j = 0; j < inner; j++) {
      out[o++] = cd[pc] !== 0 ? ad[pa]! : bd[pb]!;
      pc += sc;
      pa += sa;
      pb += sb;
    }
    for (let d = last - 1; d >= 0; d--) {
      const next = idx[d]! + 1;
      ic += cond.stride[d]!;
      ia += a.stride[d]!;
      ib += b.stride[d]!;
      if (next < shape[d]!) {
        idx[d] = next;
        break;
      }
      ic -= cond.stride[d]! * shape[d]!;
      ia -= a.stride[d]! * shape[d]!;
      ib -= b.stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
