/**
 * Throughput of the elementwise and normalisation ops that dominate Transformer training outside
 * matmul, in elements/s, each against a plain-JavaScript loop over the same float32 data timed in
 * the same run (the loop allocates its output too, as the ops do). Sizes are those of a
 * character-level TransformerLM at batch 16, 128 positions, 128 hiddens, 4 heads, FFN 512.
 */
import {
  add,
  Generator,
  layerNorm,
  mean,
  mul,
  ones,
  rand,
  relu,
  rsqrt,
  softmax,
  square,
  sub,
  type Tensor,
  tensor,
  zeros,
} from '../src/index.js';
import { compare, fillValues, type Row, type Suite, sink } from './harness.js';

const NAIVE = 'naive loop';

/** `out = a ∘ b` row-major with `b` repeated every `period` elements (period n: no broadcast). */
function naiveBinary(a: Float32Array, b: Float32Array, period: number, times: boolean): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0, j = 0; i < a.length; i++, j = j + 1 === period ? 0 : j + 1) {
    out[i] = times ? a[i]! * b[j]! : a[i]! + b[j]!;
  }
  return out;
}

/** Elementwise a ∘ b for `shapeA` and the broadcast operand `shapeB` (a suffix of shapeA, or []). */
async function binary(op: 'add' | 'mul', shapeA: number[], shapeB: number[]): Promise<Row> {
  const n = shapeA.reduce((p, d) => p * d, 1);
  const period = Math.max(
    1,
    shapeB.reduce((p, d) => p * d, 1),
  );
  const a = fillValues(n, 1);
  const b = fillValues(period, 2);
  const ta = tensor(a, { shape: shapeA });
  const tb = shapeB.length === 0 ? b[0]! : tensor(b, { shape: shapeB });
  const f = op === 'add' ? add : mul;
  const kind =
    shapeB.length === 0 ? 'scalar' : period === n ? 'contiguous' : `broadcast (${shapeB.join(', ')})`;
  return compare(
    `${op} ${kind}: (${shapeA.join(', ')})`,
    { size: n, broadcastSize: period },
    n,
    1e6,
    () => {
      sink.value += f(ta, tb).nd.data[n - 1]!;
    },
    {
      name: NAIVE,
      fn: () => {
        sink.value += naiveBinary(a, b, period, op === 'mul')[n - 1]!;
      },
    },
  );
}

/** Row-wise (x − mean)/√(var + eps)·w + b with two passes per row, in float64 like the kernel. */
function naiveLayerNorm(x: Float32Array, w: Float32Array, b: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += d) {
    let total = 0;
    for (let j = 0; j < d; j++) total += x[o + j]!;
    const mu = total / d;
    let squares = 0;
    for (let j = 0; j < d; j++) squares += (x[o + j]! - mu) ** 2;
    const rho = 1 / Math.sqrt(squares / d + 1e-5);
    for (let j = 0; j < d; j++) out[o + j] = (x[o + j]! - mu) * rho * w[j]! + b[j]!;
  }
  return out;
}

/** The composite layer norm that `LayerNorm` used before the fused op (nine ops, nine arrays). */
function compositeLayerNorm(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const mu = mean(x, { axis: -1, keepDim: true });
  const centered = sub(x, mu);
  const variance = mean(square(centered), { axis: -1, keepDim: true });
  return add(mul(mul(centered, rsqrt(add(variance, 1e-5))), w), b);
}

async function layerNormRow(rows: number, d: number, fused: boolean): Promise<Row> {
  const n = rows * d;
  const x = fillValues(n, 3);
  const w = fillValues(d, 4).map((v) => 1 + v / 2);
  const b = fillValues(d, 5);
  const tx = tensor(x, { shape: [rows, d] });
  const tw = tensor(w);
  const tb = tensor(b);
  return compare(
    `layerNorm ${fused ? 'fused' : 'composite (9 ops)'}: rows=${rows} d=${d}`,
    { rows, d },
    n,
    1e6,
    fused
      ? () => {
          sink.value += layerNorm(tx, [d], tw, tb).nd.data[n - 1]!;
        }
      : () => {
          sink.value += compositeLayerNorm(tx, tw, tb).nd.data[n - 1]!;
        },
    {
      name: NAIVE,
      fn: () => {
        sink.value += naiveLayerNorm(x, w, b, d)[n - 1]!;
      },
    },
  );
}

/** Row softmax of a row-major (rows, cols) array, three passes, −∞ giving exp 0. */
function naiveSoftmax(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let o = 0; o < rows * cols; o += cols) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
    let total = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j]! - max);
      out[o + j] = e;
      total += e;
    }
    for (let j = 0; j < cols; j++) out[o + j] = out[o + j]! / total;
  }
  return out;
}

/** softmax over the keys of (batch·heads, queries, keys) scores; `causal` masks keys > query with −∞. */
async function softmaxRow(bh: number, q: number, causal: boolean): Promise<Row> {
  const n = bh * q * q;
  const x = fillValues(n, 6).map((v, i) => (causal && i % q > Math.floor(i / q) % q ? -Infinity : 4 * v));
  const tx = tensor(x, { shape: [bh, q, q] });
  return compare(
    `softmax${causal ? ' causal (−∞ above the diagonal)' : ''}: batch·heads=${bh} queries=keys=${q}`,
    { batchHeads: bh, queries: q, keys: q },
    n,
    1e6,
    () => {
      sink.value += softmax(tx, -1).nd.data[q + 1]!;
    },
    {
      name: NAIVE,
      fn: () => {
        sink.value += naiveSoftmax(x, bh * q, q)[q + 1]!;
      },
    },
  );
}

/** ReLU on activations with unpredictable signs (seeded uniform in [-1, 1)), as in training. */
async function reluRow(shape: number[]): Promise<Row> {
  const n = shape.reduce((p, d) => p * d, 1);
  // fillValues' hash repeats sign patterns that a branch predictor learns; real activations do not.
  const x = Float32Array.from(rand([n], { rng: new Generator(7) }).toTypedArray(), (u) => 2 * u - 1);
  const tx = tensor(x, { shape });
  return compare(
    `relu: (${shape.join(', ')})`,
    { size: n },
    n,
    1e6,
    () => {
      sink.value += relu(tx).nd.data[n - 1]!;
    },
    {
      name: NAIVE,
      fn: () => {
        const out = new Float32Array(n);
        for (let i = 0; i < n; i++) out[i] = Math.max(x[i]!, 0);
        sink.value += out[n - 1]!;
      },
    },
  );
}

/** The elementwise, layer-norm, softmax and ReLU sizes of one Transformer block. */
export async function opsSuite(): Promise<Suite> {
  // Warm the shared kernels with every dtype once, as a training process does, so the timings
  // are not those of a monomorphic micro-benchmark.
  for (const dtype of ['float32', 'float64', 'int32'] as const) {
    const t = ones([4, 4], { dtype });
    sink.value += add(mul(t, t), zeros([4], { dtype })).nd.data[0]!;
  }
  return {
    name: 'ops',
    unit: 'Melem/s',
    rows: [
      await binary('add', [16, 128, 128], [16, 128, 128]),
      await binary('add', [16, 128, 512], [512]),
      await binary('mul', [16, 4, 128, 128], []),
      await binary('mul', [16, 4, 128, 128], [128, 128]),
      await layerNormRow(2048, 128, true),
      await layerNormRow(2048, 128, false),
      await softmaxRow(64, 128, false),
      await softmaxRow(64, 128, true),
      await reluRow([16, 128, 512]),
    ],
  };
}
