// Run by relaxed-simd.test.ts in a child process started with --experimental-wasm-relaxed-simd
// (Node 20 has relaxed SIMD behind that flag; a process-wide engine flag cannot be set inside the
// shared test process without changing which kernels every other test file runs). Prints JSON.
import {
  fusedAttention,
  Generator,
  matmul,
  randn,
  setNumThreads,
  type Tensor,
  wasmVariant,
} from '../../src/index.js';

const gen = new Generator(7);
const a = randn([67, 45], { rng: gen });
const b = randn([45, 130], { rng: gen });
const q = randn([2, 4, 33, 16], { rng: gen });
const k = randn([2, 4, 40, 16], { rng: gen });
const v = randn([2, 4, 40, 16], { rng: gen });

/** Largest |x − reference| / (1 + |reference|), the reference computed in float64 here. */
function matmulError(c: Tensor): number {
  const [m, n] = c.shape as [number, number];
  const kk = a.shape[1] as number;
  const av = a.toTypedArray();
  const bv = b.toTypedArray();
  const cv = c.toTypedArray();
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < kk; p++) s += (av[i * kk + p] as number) * (bv[p * n + j] as number);
      worst = Math.max(worst, Math.abs((cv[i * n + j] as number) - s) / (1 + Math.abs(s)));
    }
  }
  return worst;
}

const run = () => ({ c: matmul(a, b), o: fusedAttention(q, k, v, { isCausal: true }) });
const one = run();
const threads = await setNumThreads(2);
const two = run();
await setNumThreads(1);
const same = (x: Tensor, y: Tensor) => x.toTypedArray().every((e, i) => Object.is(e, y.toTypedArray()[i]));
process.stdout.write(
  JSON.stringify({
    variant: wasmVariant(),
    threads,
    matmulError: matmulError(one.c),
    matmulSameAcrossThreads: same(one.c, two.c),
    attentionSameAcrossThreads: same(one.o, two.o),
    attention: Array.from(one.o.toTypedArray()),
  }),
);
