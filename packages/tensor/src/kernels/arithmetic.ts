import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import { collapseAxes } from './collapse.js';
import type { StridedView } from './types.js';

/** The four arithmetic operators that have their own loops. */
export type ArithmeticOp = 'add' | 'sub' | 'mul' | 'div';

/**
 * out[i] = a[i] ∘ b[i] for ∘ one of + − × ÷, over `shape`, with `a` and `b` already given
 * broadcast strides for `shape` (stride 0 on broadcast axes); `out` is row-major from 0. The
 * result is computed in float64 and rounded once by the store into `out`, exactly as
 * `binaryKernel` with the matching function (so an Int32Array `out` wraps sums around; int32
 * products need `Math.imul` and go through `binaryKernel`).
 *
 * Why not `binaryKernel(f, …)`: the one call site of `f` there sees every op's function, so V8
 * cannot inline it and pays a call per element. Here the operator is chosen once per row and each
 * case is a tight loop. Axes are first collapsed ({@link collapseAxes}), so contiguous operands
 * give one flat row and a `(…, d)` bias broadcast gives rows of length d.
 */
export function arithmeticKernel(
  op: ArithmeticOp,
  out: TypedArray,
  shape: readonly number[],
  a: StridedView,
  b: StridedView,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const layout = collapseAxes(shape, [a.stride, b.stride]);
  const dims = layout.shape;
  const [strideA, strideB] = layout.strides as [number[], number[]];
  const nd = dims.length;
  if (nd === 0) {
    arithmeticRow(op, out, 0, a.data, a.offset, 0, b.data, b.offset, 0, 1);
    return;
  }
  const last = nd - 1;
  const inner = dims[last]!;
  const sa = strideA[last]!;
  const sb = strideB[last]!;
  if (nd === 1 && sa === 1 && sb === 1) {
    // Both operands one contiguous run (the common case): subarrays so the loop indexes by i alone.
    arithmeticFlat(op, out, a.data.subarray(a.offset, a.offset + n), b.data.subarray(b.offset, b.offset + n));
    return;
  }
  // Inline odometer, not lanes.ts forEachLane: its per-row closure measured 5–40% slower here.
  const idx = new Array<number>(nd).fill(0);
  let ia = a.offset;
  let ib = b.offset;
  const outer = n / inner;
  for (let k = 0, o = 0; k < outer; k++, o += inner) {
    arithmeticRow(op, out, o, a.data, ia, sa, b.data, ib, sb, inner);
    for (let d = last - 1; d >= 0; d--) {
      ia += strideA[d]!;
      ib += strideB[d]!;
      const next = idx[d]! + 1;
      if (next < dims[d]!) {
        idx[d] = next;
        break;
      }
      // idx[d] wrapped: rewind this axis and carry into the next one out.
      ia -= strideA[d]! * dims[d]!;
      ib -= strideB[d]! * dims[d]!;
      idx[d] = 0;
    }
  }
}

/** One row: out[o + j] = a[pa + j·sa] ∘ b[pb + j·sb] for j < n; a stride-0 operand is read once. */
function arithmeticRow(
  op: ArithmeticOp,
  out: TypedArray,
  o: number,
  ad: TypedArray,
  pa: number,
  sa: number,
  bd: TypedArray,
  pb: number,
  sb: number,
  n: number,
): void {
  const end = o + n;
  if (sb === 0) {
    const y = bd[pb]!;
    switch (op) {
      case 'add':
        for (let q = o; q < end; q++, pa += sa) out[q] = ad[pa]! + y;
        return;
      case 'sub':
        for (let q = o; q < end; q++, pa += sa) out[q] = ad[pa]! - y;
        return;
      case 'mul':
        for (let q = o; q < end; q++, pa += sa) out[q] = ad[pa]! * y;
        return;
      case 'div':
        for (let q = o; q < end; q++, pa += sa) out[q] = ad[pa]! / y;
        return;
    }
  }
  if (sa === 0) {
    const x = ad[pa]!;
    switch (op) {
      case 'add':
        for (let q = o; q < end; q++, pb += sb) out[q] = x + bd[pb]!;
        return;
      case 'sub':
        for (let q = o; q < end; q++, pb += sb) out[q] = x - bd[pb]!;
        return;
      case 'mul':
        for (let q = o; q < end; q++, pb += sb) out[q] = x * bd[pb]!;
        return;
      case 'div':
        for (let q = o; q < end; q++, pb += sb) out[q] = x / bd[pb]!;
        return;
    }
  }
  switch (op) {
    case 'add':
      for (let q = o; q < end; q++, pa += sa, pb += sb) out[q] = ad[pa]! + bd[pb]!;
      return;
    case 'sub':
      for (let q = o; q < end; q++, pa += sa, pb += sb) out[q] = ad[pa]! - bd[pb]!;
      return;
    case 'mul':
      for (let q = o; q < end; q++, pa += sa, pb += sb) out[q] = ad[pa]! * bd[pb]!;
      return;
    case 'div':
      for (let q = o; q < end; q++, pa += sa, pb += sb) out[q] = ad[pa]! / bd[pb]!;
      return;
  }
}

/** out[i] = x[i] ∘ y[i] for every i of `x` (all three row-major from 0, of equal length). */
function arithmeticFlat(op: ArithmeticOp, out: TypedArray, x: TypedArray, y: TypedArray): void {
  const n = x.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = x[i]! + y[i]!;
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = x[i]! - y[i]!;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = x[i]! * y[i]!;
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = x[i]! / y[i]!;
      return;
  }
}
