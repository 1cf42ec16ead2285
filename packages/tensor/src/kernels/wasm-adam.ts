import { wasmHeap, wasmLocalKernels } from '../wasm/instance.js';
import { adamStepKernel } from './adam.js';

/** Fewer elements than this stay in JavaScript (the copies in and out and the call dominate). */
const SMALL = 4096;

const up4 = (n: number) => (n + 3) & ~3;

/**
 * The `adamStep` of the `wasm` backend: float32 parameters, gradients and moments are copied into
 * the instance memory and updated two at a time in f64x2 lanes (src/wasm/sgemm.wat `adamStep`),
 * the same float64 operations in the same order as {@link adamStepKernel}, each result rounded to
 * float32 by `f32x4.demote_f64x2_zero` as a Float32Array store rounds it: bit-identical, NaN
 * payloads aside. V8's loop converts every element to float64 and back (8 ns per parameter in the
 * G2P profile, 3% of a step); float64 parameters and small tensors take the JavaScript kernel.
 */
export const wasmAdamStep: typeof adamStepKernel = (
  p,
  g,
  m,
  v,
  beta1,
  beta2,
  shrink,
  stepSize,
  bc2Sqrt,
  eps,
) => {
  const n = p.length;
  const wasm =
    n >= SMALL &&
    p instanceof Float32Array &&
    g instanceof Float32Array &&
    m instanceof Float32Array &&
    v instanceof Float32Array
      ? wasmLocalKernels()
      : null;
  if (wasm === null) {
    adamStepKernel(p, g, m, v, beta1, beta2, shrink, stepSize, bc2Sqrt, eps);
    return;
  }
  // Layout (floats): p, g, m, v, each 16-byte aligned.
  const s = up4(n);
  const heap = wasmHeap(wasm, 4 * s);
  heap.set(p, 0);
  heap.set(g.subarray(0, n), s);
  heap.set(m, 2 * s);
  heap.set(v, 3 * s);
  wasm.adamStep(0, s * 4, 2 * s * 4, 3 * s * 4, n, beta1, beta2, shrink, stepSize, bc2Sqrt, eps);
  p.set(heap.subarray(0, n));
  m.set(heap.subarray(2 * s, 2 * s + n));
  v.set(heap.subarray(3 * s, 3 * s + n));
};
