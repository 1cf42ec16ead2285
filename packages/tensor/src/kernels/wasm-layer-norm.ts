import type { TypedArray } from '../dtype.js';
import { wasmHeap, wasmLocalKernels } from '../wasm/instance.js';
import { layerNormBackwardKernel, layerNormKernel } from './layer-norm.js';
import type { StridedView } from './types.js';

/** Fewer elements than this stay in JavaScript (the copies in and out and the call dominate). */
const SMALL = 4096;

/**
 * The `layerNorm` (forward) of the `wasm` backend for float32 data, bit-identical to
 * {@link layerNormKernel}: the same float64 statistics from the same four partial sums (two f64x2
 * in src/wasm/sgemm.wat `layerNorm`) and the same ((x − μ)·ρ)·w + b per element, rounded to
 * float32. The issue 15 profile had the JavaScript kernel at 1.7 ms of a 41.7 ms step (five
 * LayerNorms of 1024 × 64). Float64 data, small inputs and engines without SIMD take the
 * JavaScript kernel.
 */
export function wasmLayerNorm(
  out: TypedArray,
  mean: Float64Array,
  rstd: Float64Array,
  x: StridedView,
  rows: number,
  n: number,
  weight: StridedView | null,
  bias: StridedView | null,
  eps: number,
): void {
  const total = rows * n;
  const wasm =
    total >= SMALL &&
    out instanceof Float32Array &&
    x.data instanceof Float32Array &&
    (weight === null || weight.data instanceof Float32Array) &&
    (bias === null || bias.data instanceof Float32Array)
      ? wasmLocalKernels()
      : null;
  if (wasm === null) {
    layerNormKernel(out, mean, rstd, x, rows, n, weight, bias, eps);
    return;
  }
  // Layout: doubles mean, rstd (rows each) from 0; then floats x (normalised in place), w, b.
  const xAt = 4 * rows;
  const wAt = xAt + total;
  const bAt = wAt + n;
  const heap = wasmHeap(wasm, bAt + n);
  heap.set(x.data.subarray(x.offset, x.offset + total), xAt);
  if (weight === null) heap.fill(1, wAt, bAt);
  else heap.set(weight.data.subarray(weight.offset, weight.offset + n), wAt);
  if (bias === null) heap.fill(-0, bAt, bAt + n);
  else heap.set(bias.data.subarray(bias.offset, bias.offset + n), bAt);
  wasm.layerNorm(xAt * 4, wAt * 4, bAt * 4, 0, rows * 8, rows, n, eps);
  out.set(heap.subarray(xAt, xAt + total));
  const f64 = new Float64Array(heap.buffer, 0, 2 * rows);
  mean.set(f64.subarray(0, rows));
  rstd.set(f64.subarray(rows, 2 * rows));
}

/**
 * The `layerNormBackward` of the `wasm` backend for float32 data, bit-identical to
 * {@link layerNormBackwardKernel} (the same float64 operations in the same order; its even and odd
 * partial sums are the two lanes of an f64x2 in src/wasm/sgemm.wat `layerNormBackward`). The
 * largest non-GEMM cost of the main model's training step after the ReLU backward (issue 15
 * profile: 3.7–5.1% of the step, five LayerNorms of 1024 × 64). Operands are copied into the
 * instance memory and the results out; float64 data, small inputs and engines without SIMD take
 * the JavaScript kernel.
 */
export function wasmLayerNormBackward(
  dx: TypedArray | null,
  dWeight: Float64Array | null,
  dBias: Float64Array | null,
  g: StridedView,
  x: StridedView,
  mean: Float64Array,
  rstd: Float64Array,
  weight: StridedView | null,
  rows: number,
  n: number,
): void {
  const total = rows * n;
  const wasm =
    total >= SMALL &&
    g.data instanceof Float32Array &&
    x.data instanceof Float32Array &&
    (weight === null || weight.data instanceof Float32Array) &&
    (dx === null || dx instanceof Float32Array)
      ? wasmLocalKernels()
      : null;
  if (wasm === null) {
    layerNormBackwardKernel(dx, dWeight, dBias, g, x, mean, rstd, weight, rows, n);
    return;
  }
  // Layout: doubles dw, db, xh (n each), mean, rstd (rows each) from 0; then floats w, g, x, dx.
  const doubles = 3 * n + 2 * rows;
  const wAt = 2 * doubles;
  const gAt = wAt + n;
  const xAt = gAt + total;
  const dxAt = xAt + total;
  const heap = wasmHeap(wasm, dxAt + (dx === null ? 0 : total));
  const f64 = new Float64Array(heap.buffer, 0, doubles);
  if (dWeight === null) f64.fill(0, 0, n);
  else f64.set(dWeight, 0);
  if (dBias === null) f64.fill(0, n, 2 * n);
  else f64.set(dBias, n);
  f64.set(mean.subarray(0, rows), 3 * n);
  f64.set(rstd.subarray(0, rows), 3 * n + rows);
  if (weight === null) heap.fill(1, wAt, wAt + n);
  else heap.set(weight.data.subarray(weight.offset, weight.offset + n), wAt);
  heap.set(g.data.subarray(g.offset, g.offset + total), gAt);
  heap.set(x.data.subarray(x.offset, x.offset + total), xAt);
  wasm.layerNormBackward(
    dxAt * 4,
    0,
    n * 8,
    gAt * 4,
    xAt * 4,
    3 * n * 8,
    (3 * n + rows) * 8,
    wAt * 4,
    2 * n * 8,
    rows,
    n,
    dx === null ? 0 : 1,
  );
  if (dx !== null) dx.set(heap.subarray(dxAt, dxAt + total));
  dWeight?.set(f64.subarray(0, n));
  dBias?.set(f64.subarray(n, 2 * n));
}
