/**
 * Threads: the kernels setNumThreads splits, timed on 2 threads against the same kernel on 1
 * thread in the same run (so the ratio is the parallel speed-up): SGEMM by row bands, the
 * per-head products of attention as one batched job, and fused attention forward and
 * forward + backward by batch × heads. GFLOP/s count 2·m·n·k per product and 4·B·H·L²·d per
 * attention forward (×3 for forward + backward: the backward does about twice the forward's work).
 */
import {
  fusedAttention,
  getNumThreads,
  matmul,
  setNumThreads,
  sum,
  type Tensor,
  tensor,
  threadsUnavailableReason,
  transpose,
} from '../src/index.js';
import { fillValues, type MeasureOptions, measure, QUICK, type Row, type Suite, sink } from './harness.js';

const THREADS = 2;

interface Case {
  name: string;
  params: Record<string, number>;
  flops: number;
  fn: () => void;
  options?: MeasureOptions;
}

function data(shape: number[], seed: number, requiresGrad = false): Tensor {
  const t = tensor(
    fillValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    { shape },
  );
  t.requiresGrad = requiresGrad;
  return t;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const n of [256, 512, 1024]) {
    const a = data([n, n], 1);
    const b = data([n, n], 2);
    out.push({
      name: `matmul: m=${n} n=${n} k=${n}`,
      params: { m: n, n, k: n },
      flops: 2 * n * n * n,
      fn: () => {
        sink.value += matmul(a, b).nd.data[0]!;
      },
    });
  }
  // (batch 16, heads 4, L 128, head dim 32): the per-head QKᵀ of the MHA benchmark.
  const q = data([16, 4, 128, 32], 3);
  const k = data([16, 4, 128, 32], 4);
  out.push({
    name: 'batched matmul: 64 × (128×32 · 32×128)',
    params: { count: 64, m: 128, n: 128, k: 32 },
    flops: 2 * 64 * 128 * 128 * 32,
    fn: () => {
      sink.value += matmul(q, transpose(k, 2, 3)).nd.data[0]!;
    },
  });
  for (const causal of [false, true]) {
    const shape = [2, 8, 512, 64];
    const x = data(shape, 5);
    const y = data(shape, 6);
    const z = data(shape, 7);
    out.push({
      name: `fusedAttention fwd: B=2 H=8 L=512 d=64${causal ? ' causal' : ''}`,
      params: { batch: 2, heads: 8, L: 512, d: 64, causal: causal ? 1 : 0 },
      flops: 4 * 2 * 8 * 512 * 512 * 64,
      fn: () => {
        sink.value += fusedAttention(x, y, z, { isCausal: causal }).nd.data[0]!;
      },
    });
  }
  const xg = data([2, 8, 512, 64], 8, true);
  out.push({
    name: 'fusedAttention fwd+bwd: B=2 H=8 L=512 d=64',
    params: { batch: 2, heads: 8, L: 512, d: 64, backward: 1 },
    flops: 3 * 4 * 2 * 8 * 512 * 512 * 64,
    fn: () => {
      xg.grad = null;
      sum(fusedAttention(xg, xg, xg)).backward();
      sink.value += xg.grad!.nd.data[0]!;
    },
    options: { time: 1000, iterations: 3, warmupIterations: 1, warmupTime: 0 },
  });
  return out;
}

export async function threadsSuite(): Promise<Suite> {
  const got = await setNumThreads(THREADS);
  if (got !== THREADS) {
    await setNumThreads(1);
    throw new Error(`bench threads: setNumThreads(${THREADS}) gave ${got} (${threadsUnavailableReason()}).`);
  }
  const rows: Row[] = [];
  for (const c of cases()) {
    await setNumThreads(1);
    const one = await measure(`${c.name} (1 thread)`, c.fn, c.options ?? QUICK);
    await setNumThreads(THREADS);
    const two = await measure(`${c.name} (${getNumThreads()} threads)`, c.fn, c.options ?? QUICK);
    const rate = (ops: number) => (ops * c.flops) / 1e9;
    rows.push({
      name: `${c.name}, ${THREADS} threads`,
      params: { ...c.params, threads: THREADS },
      workPerCall: c.flops,
      attnkit: { ...two, rate: rate(two.opsPerSec) },
      baseline: { ...one, rate: rate(one.opsPerSec), name: 'attnkit, 1 thread' },
      speedup: rate(two.opsPerSec) / rate(one.opsPerSec),
    });
  }
  await setNumThreads(1);
  return { name: 'threads', unit: 'GFLOP/s', rows };
}
