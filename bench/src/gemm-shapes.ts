/**
 * `pnpm --filter @attnkit/bench gemm-shapes`: the WebAssembly SGEMM on the products of one
 * training step of the main model (1024 tokens, hiddens 64, FFN 256, vocabulary 90): forward
 * x·Wᵀ, backward dY·W and dYᵀ·X, with the strides the Linear layer passes. For each shape it
 * prints GFLOP/s of the whole `wasmMatmul` call (copy in, pack, micro-kernel, copy out) and of the
 * micro-kernel alone on operands already packed in the instance memory, against the kernel on a
 * 512³ product. Interleaved (ABAB…) rounds, the fastest round of each (the host is shared: the
 * minimum is the least disturbed figure).
 *
 * Reads the built kernels from packages/tensor/dist by path (a measuring tool of this repo,
 * not an API): run `pnpm build` first.
 */
import './relaxed-simd.js';
import { packPanels } from '../../packages/tensor/dist/kernels/pack.js';
import { wasmMatmul } from '../../packages/tensor/dist/kernels/wasm-matmul.js';
import { wasmHeap, wasmKernels } from '../../packages/tensor/dist/wasm/instance.js';
import { fillValues } from './harness.js';

const MR = 4;
const NR = 8;
const up = (x: number, to: number) => Math.ceil(x / to) * to;

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  /** Strides of A (m×k) and B (k×n). */
  a: [number, number];
  b: [number, number];
  /** How many such products one training step runs (2 blocks; 4 attention projections each). */
  perStep: number;
}

const T = 1024;
const shapes: Shape[] = [];
for (const [i, o, what, perStep] of [
  [64, 64, 'W_q/k/v/o', 8],
  [64, 256, 'ffn.dense1', 2],
  [256, 64, 'ffn.dense2', 2],
  [64, 90, 'dense (head)', 1],
] as const) {
  // forward y = x·Wᵀ: x (T×i) row-major, W (o×i) row-major so B = Wᵀ has strides (1, i).
  shapes.push({ name: `${what} fwd x·Wᵀ`, m: T, n: o, k: i, a: [i, 1], b: [1, i], perStep });
  // backward dX = dY·W: dY (T×o), W (o×i).
  shapes.push({ name: `${what} bwd dY·W`, m: T, n: i, k: o, a: [o, 1], b: [i, 1], perStep });
  // backward dW = dYᵀ·X: A = dYᵀ (o×T) strides (1, o), X (T×i).
  shapes.push({ name: `${what} bwd dYᵀ·X`, m: o, n: i, k: T, a: [1, o], b: [i, 1], perStep });
}
shapes.push({ name: 'reference 512³', m: 512, n: 512, k: 512, a: [512, 1], b: [512, 1], perStep: 0 });

function timeIt(fn: () => void, reps: number): number {
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) fn();
  return (performance.now() - t0) / reps;
}

const wasm = wasmKernels();
if (wasm === null) throw new Error('gemm-shapes: no WebAssembly SIMD here');
const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 25);
console.log('shape                      m×n×k          whole call   kernel only   overhead');
let step = { whole: 0, kernel: 0 };
for (const s of shapes) {
  const { m, n, k } = s;
  const A = fillValues(m * k, 1);
  const B = fillValues(k * n, 2);
  const C = new Float32Array(m * n);
  const whole = () =>
    wasmMatmul(
      { data: C, offset: 0 },
      { data: A, offset: 0, rowStride: s.a[0], colStride: s.a[1] },
      { data: B, offset: 0, rowStride: s.b[0], colStride: s.b[1] },
      m,
      n,
      k,
    );
  // The kernel alone: A and Bᵀ packed once, at the offsets wasmMatmul uses, C left in the heap.
  const mp = up(m, MR);
  const np = up(n, NR);
  const kernel = () => {
    wasm.sgemm(k * np * 4, 0, (k * np + mp * k) * 4, mp, np, k);
  };
  const pack = () => {
    const heap = wasmHeap(wasm, k * np + mp * k + mp * np);
    packPanels(heap, 0, B, 0, s.b[1], s.b[0], n, np, k, NR);
    packPanels(heap, k * np, A, 0, s.a[0], s.a[1], m, mp, k, MR);
  };
  const flops = 2 * m * n * k;
  const reps = Math.max(1, Math.round(3e7 / flops));
  const w: number[] = [];
  const kk: number[] = [];
  for (let r = 0; r < rounds; r++) {
    w.push(timeIt(whole, reps));
    pack();
    kk.push(timeIt(kernel, reps));
  }
  const wm = Math.min(...w);
  const km = Math.min(...kk);
  step = { whole: step.whole + s.perStep * wm, kernel: step.kernel + s.perStep * km };
  const g = (ms: number) => `${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`;
  console.log(
    `${s.name.padEnd(26)} ${`${m}×${n}×${k}`.padEnd(14)} ${g(wm)}  ${g(km)}  ${((100 * (wm - km)) / wm).toFixed(0).padStart(4)}%`,
  );
}
console.log(
  `one training step's Linear products (8 projections, 2+2 FFN, head; fwd + 2 bwd each): whole calls ${step.whole.toFixed(2)} ms, kernel alone ${step.kernel.toFixed(2)} ms (${((100 * (step.whole - step.kernel)) / step.whole).toFixed(0)}% around the kernel)`,
);
