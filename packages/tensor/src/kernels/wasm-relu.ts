import type { TypedArray } from '../dtype.js';
import { wasmHeap, wasmLocalKernels } from '../wasm/instance.js';
import { biasReluKernel, reluMaskColumnSumKernel } from './relu.js';
import type { StridedView } from './types.js';

/** Fewer elements than this stay in JavaScript (the copies in and out and the call dominate). */
const SMALL = 4096;

/**
 * The `reluMaskColumnSum` of the `wasm` backend: the backward of a fused Linear bias + ReLU (the
 * FFN's first layer), bit-identical to {@link reluMaskColumnSumKernel}, whose JavaScript loop on
 * the bit patterns was the largest non-GEMM cost of a training step of the main model (issue 15
 * profile: 6.5% of the step). `y` and `g` are copied into the instance memory, masked and
 * column-summed four floats at a time (src/wasm/sgemm.wat `reluMaskColumnSum`, float64 sums in the
 * JavaScript loop's order), and the result copied out. Float64 data, no bias gradient, small
 * inputs and engines without SIMD take the JavaScript kernel.
 */
export function wasmReluMaskColumnSum(
  out: TypedArray,
  g: StridedView,
  y: TypedArray,
  dBias: Float64Array | null,
  rows: number,
  n: number,
): void {
  const total = rows * n;
  const gd = g.data;
  const wasm =
    dBias !== null &&
    total >= SMALL &&
    out instanceof Float32Array &&
    y instanceof Float32Array &&
    gd instanceof Float32Array
      ? wasmLocalKernels()
      : null;
  if (wasm === null || dBias === null) {
    reluMaskColumnSumKernel(out, g, y, dBias, rows, n);
    return;
  }
  // Layout (floats): dBias as n doubles at 0, y, then g (masked in place).
  const yAt = 2 * n;
  const gAt = yAt + total;
  const heap = wasmHeap(wasm, gAt + total);
  const sums = new Float64Array(heap.buffer, 0, n);
  sums.set(dBias);
  heap.set(y.subarray(0, total), yAt);
  heap.set(gd.subarray(g.offset, g.offset + total), gAt);
  wasm.reluMaskColumnSum(gAt * 4, gAt * 4, yAt * 4, 0, rows, n);
  out.set(heap.subarray(gAt, gAt + total));
  dBias.set(sums);
}

/**
 * The `biasRelu` of the `wasm` backend: the forward of a fused Linear bias + ReLU, in place over
 * the product, equal to {@link biasReluKernel} bit for bit (NaN payloads aside): the rows are
 * copied into the instance memory, `max(v + bias, 0)` is taken four floats at a time
 * (src/wasm/sgemm.wat `biasRelu`) and copied back. No bias, float64 data, small products and
 * engines without SIMD take the JavaScript kernel.
 */
export function wasmBiasRelu(out: TypedArray, bias: TypedArray | null, rows: number, n: number): void {
  const total = rows * n;
  const wasm =
    bias instanceof Float32Array && out instanceof Float32Array && total >= SMALL ? wasmLocalKernels() : null;
  if (wasm === null || bias === null) {
    biasReluKernel(out, bias, rows, n);
    return;
  }
  const outAt = n;
  const heap = wasmHeap(wasm, outAt + total);
  heap.set(bias.subarray(0, n), 0);
  heap.set(out.subarray(0, total), outAt);
  wasm.biasRelu(outAt * 4, 0, rows, n);
  out.set(heap.subarray(outAt, outAt + total));
}
