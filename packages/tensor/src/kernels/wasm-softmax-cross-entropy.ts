import type { TypedArray } from '../dtype.js';
import { type WasmKernels, wasmHeap, wasmLocalKernels } from '../wasm/instance.js';
import { rowLoss, softmaxCrossEntropyBackwardKernel, softmaxCrossEntropyKernel } from './softmax.js';
import type { StridedView } from './types.js';

/** Fewer logits than this stay in JavaScript (the copies and calls dominate). */
const SMALL = 4096;
/** More logits than this stay in JavaScript, so a large vocabulary never grows the instance memory (16 MB). */
const LARGE = 1 << 22;

/**
 * The instance with the logits copied row-major to float 0 of its memory, or null when the
 * JavaScript kernel should run (float64 data, sizes outside [SMALL, LARGE], no SIMD).
 */
function staged(logits: StridedView, total: number): { wasm: WasmKernels; heap: Float32Array } | null {
  const xd = logits.data;
  const wasm = total >= SMALL && total <= LARGE && xd instanceof Float32Array ? wasmLocalKernels() : null;
  if (wasm === null) return null;
  const heap = wasmHeap(wasm, total);
  heap.set(xd.subarray(logits.offset, logits.offset + total), 0);
  return { wasm, heap };
}

/**
 * The `softmaxCrossEntropy` of the `wasm` backend: per row lse = m + log Σ exp(x − m) (m the row
 * max) and the (label-smoothed) loss, as {@link softmaxCrossEntropyKernel}, with Σ exp(x − m)
 * taken four logits at a time in WebAssembly (src/wasm/sgemm.wat `expShiftSum`, float32 sums)
 * instead of one float64 `Math.exp` per logit. lse and the losses differ from the JavaScript
 * kernel's by about a float32 ulp; a NaN logit gives a NaN loss as there. Float64 data, small or
 * very large inputs and engines without SIMD take the JavaScript kernel.
 */
export function wasmSoftmaxCrossEntropy(
  losses: Float64Array,
  lse: Float64Array,
  logits: StridedView,
  targets: Int32Array,
  rows: number,
  classes: number,
  epsilon: number,
): void {
  const stage = staged(logits, rows * classes);
  if (stage === null) {
    softmaxCrossEntropyKernel(losses, lse, logits, targets, rows, classes, epsilon);
    return;
  }
  const { wasm } = stage;
  const xd = logits.data;
  for (let r = 0, q = 0, p = logits.offset; r < rows; r++, q += classes, p += classes) {
    let m = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const x = xd[p + j]!;
      if (x > m || Number.isNaN(x)) m = Number.isNaN(m) ? m : x;
      sum += x;
    }
    // Σ exp(x − m) over the staged row (overwritten with the exponentials, which are not needed).
    const l = m + Math.log(wasm.expShiftSum(q * 4, classes, m));
    lse[r] = l;
    const t = targets[r]!;
    losses[r] = t < 0 ? 0 : rowLoss(l, xd[p + t]!, sum, classes, epsilon);
  }
}

/**
 * The `softmaxCrossEntropyBackward` of the `wasm` backend:
 *   dx_c = scale_r·(exp(x_c − lse_r) − ε/C − (1 − ε)·[c = t_r]),
 * as {@link softmaxCrossEntropyBackwardKernel}, with the exponentials four at a time in
 * WebAssembly (src/wasm/sgemm.wat `expShiftSum`, a float32 polynomial within 2 ulp of Math.exp,
 * the same one fused attention uses) instead of one float64 `Math.exp` per logit — the largest
 * cost of the loss in the main model's step (issue 15 profile: 3% of the step for 1,024 × 90
 * logits). The result differs from the JavaScript kernel by a few float32 ulps, never between
 * thread counts (it runs on the calling thread). Float64 data, small or very large inputs and
 * engines without SIMD take the JavaScript kernel.
 */
export function wasmSoftmaxCrossEntropyBackward(
  dx: TypedArray,
  logits: StridedView,
  lse: Float64Array,
  targets: Int32Array,
  scale: ArrayLike<number>,
  rows: number,
  classes: number,
  epsilon: number,
): void {
  const stage = dx instanceof Float32Array ? staged(logits, rows * classes) : null;
  if (stage === null) {
    softmaxCrossEntropyBackwardKernel(dx, logits, lse, targets, scale, rows, classes, epsilon);
    return;
  }
  const { wasm, heap } = stage;
  const smooth = epsilon / classes;
  for (let r = 0, q = 0; r < rows; r++, q += classes) {
    const t = targets[r]!;
    if (t < 0) {
      dx.fill(0, q, q + classes);
      continue;
    }
    // exp(x − lse) in place: the row's softmax.
    wasm.expShiftSum(q * 4, classes, lse[r]!);
    const s = scale[r]!;
    for (let j = 0; j < classes; j++) dx[q + j] = s * (heap[q + j]! - smooth);
    dx[q + t] = s * (heap[q + t]! - smooth - (1 - epsilon));
  }
}
