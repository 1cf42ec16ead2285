/**
 * matmul throughput in GFLOP/s (2·m·n·k flops per product) against a plain i-k-j triple loop over
 * the same float32 data, timed in the same run; then the default kernel (WebAssembly SIMD) against
 * the JavaScript kernel (`setBackend('js')`).
 */
import { matmul, setBackend, tensor } from '../src/index.js';
import { compare, fillValues, type MeasureOptions, QUICK, type Row, type Suite, sink } from './harness.js';

/** out = A·B for row-major float32 matrices: the textbook loop with the contiguous inner axis. */
function naiveMatmul(
  out: Float32Array,
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const x = a[i * k + p]!;
      for (let j = 0; j < n; j++) out[i * n + j] = out[i * n + j]! + x * b[p * n + j]!;
    }
  }
}

/** Sampling for each square size: 1024 is one warm-up and two timed calls per side. */
const SQUARE: [number, MeasureOptions][] = [
  [256, QUICK],
  [512, { time: 1500, iterations: 3, warmupIterations: 2, warmupTime: 0 }],
  [1024, { time: 0, iterations: 2, warmupIterations: 1, warmupTime: 0 }],
];

/** The default (WebAssembly SIMD, float32) kernel against the float64-accumulating JS kernel. */
async function wasmVersusJs(n: number, options: MeasureOptions): Promise<Row> {
  const ta = tensor(fillValues(n * n, 1), { shape: [n, n] });
  const tb = tensor(fillValues(n * n, 2), { shape: [n, n] });
  const timed = (backend: 'wasm' | 'js') => () => {
    setBackend(backend);
    sink.value += matmul(ta, tb).nd.data[n + 1]!;
  };
  const row = await compare(
    `matmul wasm-simd: m=${n} n=${n} k=${n}`,
    { m: n, n, k: n },
    2 * n * n * n,
    1e9,
    timed('wasm'),
    { name: 'js kernel', fn: timed('js') },
    options,
  );
  setBackend('wasm');
  return row;
}

async function square(n: number, options: MeasureOptions): Promise<Row> {
  const a = fillValues(n * n, 1);
  const b = fillValues(n * n, 2);
  const ta = tensor(a, { shape: [n, n] });
  const tb = tensor(b, { shape: [n, n] });
  const out = new Float32Array(n * n);
  return compare(
    `matmul: m=${n} n=${n} k=${n}`,
    { m: n, n, k: n },
    2 * n * n * n,
    1e9,
    () => {
      sink.value += matmul(ta, tb).nd.data[n + 1]!;
    },
    {
      name: 'naive i-k-j',
      fn: () => {
        naiveMatmul(out, a, b, n, n, n);
        sink.value += out[n + 1]!;
      },
    },
    options,
  );
}

/** The batched product of attention scores, (batch, queries, d)·(batch, d, keys). */
async function batched(batch: number, queries: number, d: number, keys: number): Promise<Row> {
  const q = fillValues(batch * queries * d, 3);
  const kt = fillValues(batch * d * keys, 4);
  const tq = tensor(q, { shape: [batch, queries, d] });
  const tk = tensor(kt, { shape: [batch, d, keys] });
  const out = new Float32Array(queries * keys);
  return compare(
    `matmul: batch=${batch} queries=${queries} d=${d} keys=${keys}`,
    { batch, queries, d, keys },
    2 * batch * queries * d * keys,
    1e9,
    () => {
      sink.value += matmul(tq, tk).nd.data[1]!;
    },
    {
      name: 'naive i-k-j',
      fn: () => {
        for (let i = 0; i < batch; i++) {
          naiveMatmul(
            out,
            q.subarray(i * queries * d, (i + 1) * queries * d),
            kt.subarray(i * d * keys, (i + 1) * d * keys),
            queries,
            keys,
            d,
          );
          sink.value += out[1]!;
        }
      },
    },
  );
}

/** Square products at n = 256, 512, 1024 and one attention-shaped batched product. */
export async function matmulSuite(): Promise<Suite> {
  const rows: Row[] = [];
  for (const [n, options] of SQUARE) rows.push(await square(n, options));
  for (const [n, options] of SQUARE) rows.push(await wasmVersusJs(n, options));
  rows.push(await batched(8, 128, 64, 128));
  return { name: 'matmul', unit: 'GFLOP/s', rows };
}
