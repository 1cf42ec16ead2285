import { offsetsInto, shapeSize } from '../shape.js';
import { wasmHeap, wasmLocalKernels } from '../wasm/instance.js';
import { rotaryBackwardKernel, rotaryKernel } from './rotary.js';
import type { StridedView } from './types.js';

/** Fewer elements than this stay in JavaScript (the copies in and out and the call dominate). */
const SMALL = 4096;

/**
 * The `rotary` of the `wasm` backend, bit-identical to {@link rotaryKernel}: half-split pairs in
 * float64 (src/wasm/sgemm.wat `rotaryRows`, f64x2) rounded once to float32, as the JavaScript
 * store rounds. It takes the layout the op makes — float32, `out` dense with x's strides (the
 * head-split (batch, heads, n, d) view of a projection and its result both stored
 * (batch, n, heads, d)), cos and sin sharing strides — so x's storage is copied into the
 * instance as one block, rotated in place and copied out as one block. The issue 15 profile had
 * the JavaScript kernel at 4–6% of the main model's step (four calls forward, four backward).
 * Other layouts, interleaved pairs and small inputs take the JavaScript kernel.
 */
export function wasmRotary(
  out: StridedView,
  x: StridedView,
  cos: StridedView,
  sin: StridedView,
  rowShape: readonly number[],
  d: number,
  half: number,
  interleaved: boolean,
  inverse = false,
): void {
  const rows = shapeSize(rowShape);
  const n = rows * d;
  const wasm =
    !interleaved && n >= SMALL && fits(out, x, cos, sin, rowShape, d, n) ? wasmLocalKernels() : null;
  if (wasm === null) {
    rotaryKernel(out, x, cos, sin, rowShape, d, half, interleaved, inverse);
    return;
  }
  // Layout (floats): x's block, cos and sin (their whole storage), then the row offsets (int32).
  const cosAt = n;
  const sinAt = cosAt + cos.data.length;
  const rowAt = sinAt + sin.data.length;
  const tableAt = rowAt + rows;
  const heap = wasmHeap(wasm, tableAt + rows);
  heap.set((x.data as Float32Array).subarray(x.offset, x.offset + n), 0);
  heap.set(cos.data as Float32Array, cosAt);
  heap.set(sin.data as Float32Array, sinAt);
  // Row r of rowShape: its offset in x's block and in the tables.
  const offsets = new Int32Array(heap.buffer, heap.byteOffset, tableAt + rows);
  offsetsInto(offsets, rowAt, rowShape, x.stride, 0);
  offsetsInto(offsets, tableAt, rowShape, cos.stride, cos.offset);
  wasm.rotaryRows(0, rowAt * 4, cosAt * 4, sinAt * 4, tableAt * 4, rows, half, inverse ? -1 : 1);
  (out.data as Float32Array).set(heap.subarray(0, n), out.offset);
}

/** The `rotaryBackward` of the `wasm` backend: dx by {@link wasmRotary} (inverse), dCos and dSin in JavaScript. */
export function wasmRotaryBackward(
  dx: StridedView | null,
  dCos: Float64Array | null,
  dSin: Float64Array | null,
  accStride: readonly number[],
  g: StridedView,
  x: StridedView,
  cos: StridedView,
  sin: StridedView,
  rowShape: readonly number[],
  d: number,
  half: number,
  interleaved: boolean,
): void {
  if (dx !== null) wasmRotary(dx, g, cos, sin, rowShape, d, half, interleaved, true);
  if (dCos !== null || dSin !== null) {
    rotaryBackwardKernel(null, dCos, dSin, accStride, g, x, cos, sin, rowShape, d, half, interleaved);
  }
}

/**
 * Whether the block path applies: float32 everywhere; `out` and `x` with the same strides, unit
 * stride on d, spanning exactly n elements (dense, so x's block maps onto out's element for
 * element); cos and sin with the same strides and offset, unit stride on their last axis, and
 * storage small enough to copy whole.
 */
function fits(
  out: StridedView,
  x: StridedView,
  cos: StridedView,
  sin: StridedView,
  rowShape: readonly number[],
  d: number,
  n: number,
): boolean {
  if (
    !(out.data instanceof Float32Array && x.data instanceof Float32Array) ||
    !(cos.data instanceof Float32Array && sin.data instanceof Float32Array)
  ) {
    return false;
  }
  const nd = rowShape.length;
  if (x.stride[nd] !== 1 || out.stride[nd] !== 1 || cos.stride[nd] !== 1 || sin.stride[nd] !== 1)
    return false;
  if (cos.offset !== sin.offset || cos.data.length + sin.data.length > 4 * n) return false;
  let span = d;
  for (let ax = 0; ax < nd; ax++) {
    if (x.stride[ax] !== out.stride[ax] || cos.stride[ax] !== sin.stride[ax] || x.stride[ax]! < 0)
      return false;
    span += (rowShape[ax]! - 1) * x.stride[ax]!;
  }
  return span === n && x.offset + n <= x.data.length && out.offset + n <= out.data.length;
}
