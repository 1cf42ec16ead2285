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

// ---- s5-kernels: fused softmax cross-entropy ----

/**
 * Softmax cross-entropy of `rows` rows of `classes` consecutive logits (row r starts at
 * `logits.offset + r·classes`; strides are not read) against `targets` (one class index per row;
 * a negative entry marks an ignored row). Per row, in float64: lse = m + log Σ exp(x − m) with m
 * the row max (saved in `lse` for {@link softmaxCrossEntropyBackwardKernel}), and
 *   loss = (1 − ε)·(lse − x_t) + ε·(lse − mean_c x_c),
 * which is (1 − ε)·(−log p_t) + ε·mean_c(−log p_c) without forming log p. Ignored rows get loss 0.
 */
export function softmaxCrossEntropyKernel(
  losses: Float64Array,
  lse: Float64Array,
  logits: StridedView,
  targets: Int32Array,
  rows: number,
  classes: number,
  epsilon: number,
): void {
  const xd = logits.data;
  for (let r = 0, p = logits.offset; r < rows; r++, p += classes) {
    const t = targets[r]!;
    const m = laneMax(xd, p, 1, classes);
    let total = 0;
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const x = xd[p + j]!;
      total += Math.exp(x - m);
      sum += x;
    }
    const l = m + Math.log(total);
    lse[r] = l;
    losses[r] = t < 0 ? 0 : rowLoss(l, xd[p + t]!, sum, classes, epsilon);
  }
}

/**
 * One row's loss from its log-sum-exp `l`, the target's logit and the sum of its logits: the
 * negative log-likelihood l − x_t, label-smoothed as (1 − ε)·nll + ε·(l − mean x) (the
 * cross-entropy against the uniform distribution).
 */
export function rowLoss(l: number, target: number, sum: number, classes: number, epsilon: number): number {
  const nll = l - target;
  return epsilon === 0 ? nll : (1 - epsilon) * nll + epsilon * (l - sum / classes);
}

/**
 * Backward of {@link softmaxCrossEntropyKernel} given the loss gradient of each row in `scale`
 * (for a 'mean' reduction: the output gradient over the count, the same for every row):
 *   dx_c = scale_r·(exp(x_c − lse) − ε/C − (1 − ε)·[c = t]),
 * and 0 for an ignored row. `dx` is row-major from 0.
 */
export function softmaxCrossEntropyBackwardKernel(
  dx: TypedArray,
  logits: StridedView,
  lse: Float64Array,
  targets: Int32Array,
  scale: ArrayLike<number>,
  rows: number,
  classes: number,
  epsilon: number,
): void {
  const xd = logits.data;
  const smooth = epsilon / classes;
  for (let r = 0, p = logits.offset, q = 0; r < rows; r++, p += classes, q += classes) {
    const t = targets[r]!;
    if (t < 0) {
      dx.fill(0, q, q + classes);
      continue;
    }
    const s = scale[r]!;
    const l = lse[r]!;
    for (let j = 0; j < classes; j++) dx[q + j] = s * (Math.exp(xd[p + j]! - l) - smooth);
    dx[q + t] = s * (Math.exp(xd[p + t]! - l) - smooth - (1 - epsilon));
  }
}
