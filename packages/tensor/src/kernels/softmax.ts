import type { TypedArray } from '../dtype.js';
import { contiguousStrides } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { isRowMajor } from './binary.js';
import { forEachLane } from './lanes.js';
import type { StridedView } from './types.js';

/**
 * Calls `lane(p, q)` for every lane of `shape` along `axis`, with `p` the lane's first element in
 * `src` and `q` in the row-major `out`. Fast path: a row-major `src` reduced along its last axis
 * has consecutive rows, so no odometer is needed.
 */
function eachLane(
  shape: readonly number[],
  axis: number,
  src: StridedView,
  lane: (p: number, q: number) => void,
): void {
  const n = shape[axis]!;
  if (axis === shape.length - 1 && isRowMajor(shape, src.stride)) {
    const rows = shapeSize(shape) / n;
    for (let r = 0, p = src.offset, q = 0; r < rows; r++, p += n, q += n) lane(p, q);
    return;
  }
  const bases = [src.offset, 0];
  forEachLane(shape, axis, [src.stride, contiguousStrides(shape)], bases, () => lane(bases[0]!, bases[1]!));
}

/** Largest element of a lane; NaN if any element is NaN. */
function laneMax(data: TypedArray, p: number, s: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++, p += s) {
    const x = data[p]!;
    if (Number.isNaN(x)) return x;
    if (x > m) m = x;
  }
  return m;
}

/** True when `axis` is the last axis and every stride list is row-major for `shape`: lanes are rows. */
function rowsOnly(shape: readonly number[], axis: number, ...strides: (readonly number[])[]): boolean {
  return axis === shape.length - 1 && strides.every((s) => isRowMajor(shape, s));
}

/**
 * out = softmax(src) along `axis`: y_j = exp(x_j − m) / Σ_k exp(x_k − m) with m the lane max,
 * so no exp overflows. `out` is row-major of `shape` from 0; exponentials and their sum are kept
 * in float64. A lane of all −Infinity gives NaN (−∞ − (−∞)), as in PyTorch.
 */
export function softmaxKernel(
  out: TypedArray,
  src: StridedView,
  shape: readonly number[],
  axis: number,
): void {
  if (shapeSize(shape) === 0) return;
  const n = shape[axis]!;
  const data = src.data;
  const s = src.stride[axis]!;
  const os = contiguousStrides(shape)[axis]!;
  const e = new Float64Array(n);
  if (rowsOnly(shape, axis, src.stride)) {
    // Consecutive rows (attention scores): plain loops, no per-lane closure.
    const rows = shapeSize(shape) / n;
    for (let r = 0, p = src.offset, q = 0; r < rows; r++, p += n, q += n) {
      const m = laneMax(data, p, 1, n);
      let total = 0;
      for (let j = 0; j < n; j++) {
        const v = Math.exp(data[p + j]! - m);
        e[j] = v;
        total += v;
      }
      for (let j = 0; j < n; j++) out[q + j] = e[j]! / total;
    }
    return;
  }
  eachLane(shape, axis, src, (p, q) => {
    const m = laneMax(data, p, s, n);
    let total = 0;
    for (let j = 0; j < n; j++, p += s) {
      const v = Math.exp(data[p]! - m);
      e[j] = v;
      total += v;
    }
    for (let j = 0; j < n; j++, q += os) out[q] = e[j]! / total;
  });
}

/**
 * out = logSoftmax(src) along `axis`: y_j = (x_j − m) − log Σ_k exp(x_k − m), m the lane max
 * (never log of a rounded softmax, so tiny probabilities keep their exponent). Sum in float64.
 * A lane of all −Infinity gives NaN, as in PyTorch.
 */
export function logSoftmaxKernel(
  out: TypedArray,
  src: StridedView,
  shape: readonly number[],
  axis: number,
): void {
  if (shapeSize(shape) === 0) return;
  const n = shape[axis]!;
  const data = src.data;
  const s = src.stride[axis]!;
  const os = contiguousStrides(shape)[axis]!;
  eachLane(shape, axis, src, (p, q) => {
    const m = laneMax(data, p, s, n);
    let total = 0;
    for (let j = 0, pp = p; j < n; j++, pp += s) total += Math.exp(data[pp]! - m);
    const shift = m + Math.log(total);
    for (let j = 0; j < n; j++, p += s, q += os) out[q] = data[p]! - shift;
  });
}

/**
 * Backward of softmax along `axis`: out = y ⊙ (g − Σ_k g_k y_k), with `y` the softmax output
 * (row-major of `shape`) and `g` the incoming gradient (any strides). Dot product in float64.
 */
export function softmaxBackwardKernel(
  out: TypedArray,
  y: StridedView,
  g: StridedView,
  shape: readonly number[],
  axis: number,
): void {
  if (shapeSize(shape) === 0) return;
  const n = shape[axis]!;
  const yd = y.data;
  const gd = g.data;
  const sy = y.stride[axis]!;
  const sg = g.stride[axis]!;
  const os = contiguousStrides(shape)[axis]!;
  if (rowsOnly(shape, axis, y.stride, g.stride)) {
    // Plain loops for consecutive rows: through eachLane's closure this measured ~20% slower.
    const rows = shapeSize(shape) / n;
    for (let r = 0, p = y.offset, t = g.offset, q = 0; r < rows; r++, p += n, t += n, q += n) {
      let dot = 0;
      for (let j = 0; j < n; j++) dot += gd[t + j]! * yd[p + j]!;
      for (let j = 0; j < n; j++) out[q + j] = yd[p + j]! * (gd[t + j]! - dot);
    }
    return;
  }
  const bases = [y.offset, g.offset, 0];
  forEachLane(shape, axis, [y.stride, g.stride, contiguousStrides(shape)], bases, () => {
    let dot = 0;
    for (let j = 0, p = bases[0]!, r = bases[1]!; j < n; j++, p += sy, r += sg) dot += gd[r]! * yd[p]!;
    for (let j = 0, p = bases[0]!, r = bases[1]!, q = bases[2]!; j < n; j++, p += sy, r += sg, q += os) {
      out[q] = yd[p]! * (gd[r]! - dot);
    }
  });
}

/**
 * Backward of logSoftmax along `axis`: out = g − exp(y) Σ_k g_k, with `y` the logSoftmax output
 * (so exp(y) is the softmax) and `g` the incoming gradient (any strides). Sum in float64.
 */
export function logSoftmaxBackwardKernel(
  out: TypedArray,
  y: StridedView,
  g: StridedView,
  shape: readonly number[],
  axis: number,
): void {
  if (shapeSize(shape) === 0) return;
  const n = shape[axis]!;
  const yd = y.data;
  const gd = g.data;
  const sy = y.stride[axis]!;
  const sg = g.stride[axis]!;
  const os = contiguousStrides(shape)[axis]!;
  if (rowsOnly(shape, axis, y.stride, g.stride)) {
    // Plain loops for consecutive rows: through eachLane's closure this measured ~20% slower.
    const rows = shapeSize(shape) / n;
    for (let r = 0, p = y.offset, t = g.offset, q = 0; r < rows; r++, p += n, t += n, q += n) {
      let total = 0;
      for (let j = 0; j < n; j++) total += gd[t + j]!;
      for (let j = 0; j < n; j++) out[q + j] = gd[t + j]! - Math.exp(yd[p + j]!) * total;
    }
    return;
  }
  const bases = [y.offset, g.offset, 0];
  forEachLane(shape, axis, [y.stride, g.stride, contiguousStrides(shape)], bases, () => {
    let total = 0;
    for (let j = 0, r = bases[1]!; j < n; j++, r += sg) total += gd[r]!;
    for (let j = 0, p = bases[0]!, r = bases[1]!, q = bases[2]!; j < n; j++, p += sy, r += sg, q += os) {
      out[q] = gd[r]! - Math.exp(yd[p]!) * total;
    }
  });
}
