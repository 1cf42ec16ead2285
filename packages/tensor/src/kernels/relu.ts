import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import { collapseAxes } from './collapse.js';
import type { StridedView } from './types.js';

/** The float32 bit pattern of +∞ (exponent all ones, mantissa zero). */
const POSITIVE_INFINITY_BITS = 0x7f800000;

/**
 * out[i] = max(x[i], 0) over `shape` (NaN stays NaN, as `Math.max`); `out` is row-major from 0.
 *
 * Its own loop rather than `unaryKernel(f, …)`, for speed: ReLU runs on the FFN hidden
 * activations (the widest of a Transformer block). Activations have random signs, so any
 * compare-and-branch (`Math.max` included) mispredicts half the time; the loop computes
 * (x + |x|)/2 without a branch instead, which is exact for finite x (x + x and the halving are
 * exact in float64), and takes `Math.max` only when that is not finite (±∞, NaN, or x > 2^1023),
 * a branch that is practically never taken.
 */
export function reluKernel(out: TypedArray, shape: readonly number[], src: StridedView): void {
  const total = shapeSize(shape);
  if (total === 0) return;
  const { shape: dims, strides } = collapseAxes(shape, [src.stride]);
  const stride = strides[0]!;
  const nd = dims.length;
  const inner = nd === 0 ? 1 : dims[nd - 1]!;
  const s = nd === 0 ? 0 : stride[nd - 1]!;
  const data = src.data;
  const idx = new Array<number>(nd).fill(0);
  let base = src.offset;
  for (let o = 0; o < total; o += inner) {
    for (let q = o, p = base, end = o + inner; q < end; q++, p += s) {
      const v = data[p]!;
      const r = (v + Math.abs(v)) * 0.5;
      out[q] = r - r === 0 ? r : Math.max(v, 0);
    }
    base = advance(dims, stride, idx, base);
  }
}

/**
 * Backward of ReLU from its output: out[i] = y[i] > 0 ? g[i] : 0 over `shape` (so the gradient at
 * x = 0 is 0, as PyTorch). `g` may have any strides; `y`, the forward output, and `out` are
 * row-major from 0. For float32 (the training case, `g` one contiguous run) the select is done on
 * the bit patterns, without a branch that would mispredict on random signs: y > 0 exactly when
 * its bits b satisfy 0 < b ≤ bits(+∞), so `mask = ~(((b − 1) | (bits(+∞) − b)) >> 31)` is all
 * ones there and zero elsewhere (±0, negatives, NaN), and out's bits are g's bits & mask.
 */
export function reluBackwardKernel(
  out: TypedArray,
  shape: readonly number[],
  g: StridedView,
  y: TypedArray,
): void {
  const total = shapeSize(shape);
  if (total === 0) return;
  const { shape: dims, strides } = collapseAxes(shape, [g.stride]);
  const stride = strides[0]!;
  const nd = dims.length;
  const inner = nd === 0 ? 1 : dims[nd - 1]!;
  const s = nd === 0 ? 0 : stride[nd - 1]!;
  const gd = g.data;
  if (
    nd <= 1 &&
    s === 1 &&
    y instanceof Float32Array &&
    out instanceof Float32Array &&
    gd instanceof Float32Array
  ) {
    const yb = new Int32Array(y.buffer, y.byteOffset, total);
    const gb = new Int32Array(gd.buffer, gd.byteOffset + g.offset * 4, total);
    const ob = new Int32Array(out.buffer, out.byteOffset, total);
    for (let i = 0; i < total; i++) {
      const b = yb[i]!;
      ob[i] = gb[i]! & ~(((b - 1) | (POSITIVE_INFINITY_BITS - b)) >> 31);
    }
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let base = g.offset;
  for (let o = 0; o < total; o += inner) {
    for (let q = o, p = base, end = o + inner; q < end; q++, p += s) out[q] = y[q]! > 0 ? gd[p]! : 0;
    base = advance(dims, stride, idx, base);
  }
}

/**
 * One odometer step over all axes but the last (row-major): bumps `idx` and returns the view's
 * index of the next run's first element, given the current one in `base`.
 */
function advance(dims: readonly number[], stride: readonly number[], idx: number[], base: number): number {
  let b = base;
  for (let d = dims.length - 2; d >= 0; d--) {
    b += stride[d]!;
    const next = idx[d]! + 1;
    if (next < dims[d]!) {
      idx[d] = next;
      return b;
    }
    // idx[d] wrapped: rewind this axis and carry into the next one out.
    b -= stride[d]! * dims[d]!;
    idx[d] = 0;
  }
  return b;
}

// ---- s5-kernels: Linear bias + ReLU ----

/**
 * In place over `rows` rows of `n` (row-major from 0): out[r, j] = max(out[r, j] + bias[j], 0),
 * the bias add and ReLU of a fused `linear(…, { activation: 'relu' })` in one pass over the
 * product. `bias` holds n consecutive elements, or null for none. The sum is rounded by the store
 * exactly as the unfused add would round it, and the ReLU of the rounded value is the rounded ReLU
 * (rounding is monotone and keeps signs), so the result equals relu(add(product, bias)).
 * Branch-free as {@link reluKernel}: (v + |v|)/2, with `Math.max` only for non-finite sums.
 */
export function biasReluKernel(out: TypedArray, bias: TypedArray | null, rows: number, n: number): void {
  if (bias === null) {
    for (let i = 0, end = rows * n; i < end; i++) {
      const v = out[i]!;
      const r = (v + Math.abs(v)) * 0.5;
      out[i] = r - r === 0 ? r : Math.max(v, 0);
    }
    return;
  }
  if (out instanceof Float32Array) {
    // Math.fround is the store's rounding, without the store-and-reload of the general loop.
    for (let o = 0, end = rows * n; o < end; o += n) {
      for (let j = 0; j < n; j++) {
        const v = Math.fround(out[o + j]! + bias[j]!);
        const r = (v + Math.abs(v)) * 0.5;
        out[o + j] = r - r === 0 ? r : Math.max(v, 0);
      }
    }
    return;
  }
  for (let o = 0, end = rows * n; o < end; o += n) {
    for (let j = 0; j < n; j++) {
      // Round the sum to out's type first, as the unfused add stores it, then take the ReLU.
      out[o + j] = out[o + j]! + bias[j]!;
      const v = out[o + j]!;
      const r = (v + Math.abs(v)) * 0.5;
      out[o + j] = r - r === 0 ? r : Math.max(v, 0);
    }
  }
}

/**
 * Backward of {@link biasReluKernel}: out[r, j] = y[r, j] > 0 ? g[r, j] : 0 over `rows` rows of
 * `n` (`g` from `g.offset`, rows of n consecutive elements; `y` and `out` row-major from 0), and,
 * in the same pass, dBias[j] += Σ_r out[r, j] in float64 when `dBias` is not null (the bias
 * gradient as a column sum, so no separate reduction over the gradient).
 */
export function reluMaskColumnSumKernel(
  out: TypedArray,
  g: StridedView,
  y: TypedArray,
  dBias: Float64Array | null,
  rows: number,
  n: number,
): void {
  const total = rows * n;
  if (total === 0) return;
  const gd = g.data;
  const go = g.offset;
  if (dBias === null) {
    reluBackwardKernel(out, [total], { data: gd, offset: go, stride: [1] }, y);
    return;
  }
  if (y instanceof Float32Array && out instanceof Float32Array && gd instanceof Float32Array) {
    // The branch-free select of reluBackwardKernel on the bit patterns, then the column sums
    // from the masked values just written.
    const yb = new Int32Array(y.buffer, y.byteOffset, total);
    const gb = new Int32Array(gd.buffer, gd.byteOffset + go * 4, total);
    const ob = new Int32Array(out.buffer, out.byteOffset, total);
    for (let o = 0; o < total; o += n) {
      for (let j = 0; j < n; j++) {
        const b = yb[o + j]!;
        ob[o + j] = gb[o + j]! & ~(((b - 1) | (POSITIVE_INFINITY_BITS - b)) >> 31);
        dBias[j] = dBias[j]! + out[o + j]!;
      }
    }
    return;
  }
  for (let o = 0; o < total; o += n) {
    for (let j = 0; j < n; j++) {
      const v = y[o + j]! > 0 ? gd[go + o + j]! : 0;
      out[o + j] = v;
      dBias[j] = dBias[j]! + v;
    }
  }
}
