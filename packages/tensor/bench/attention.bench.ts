/**
 * Attention forward, (batch=2, heads=8, L, d=64), by the fused FlashAttention op against the
 * materialised path softmax(scale·QKᵀ [+ causal bias])·V built from matmul and softmax, timed in
 * the same run; GFLOP/s counts 4·batch·heads·L²·d flops for both (the causal tiles the fused op
 * skips are counted, so its causal figure is an effective rate). Memory: the growth of
 * ArrayBuffer bytes over one call after a full GC, with no GC forced during the call — the extra
 * memory each path allocates (params `fusedMB`, `materialisedMB`).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  add,
  fusedAttention,
  matmul,
  mul,
  noGrad,
  softmax,
  type Tensor,
  tensor,
  transpose,
} from '../src/index.js';
import { compare, fillValues, type MeasureOptions, type Row, type Suite, sink } from './harness.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const BATCH = 2;
const HEADS = 8;
const D = 64;

/** softmax(scale·QKᵀ + bias)·V with every (L × L) intermediate materialised. */
function materialised(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null): Tensor {
  const scores = mul(matmul(q, transpose(k)), 1 / Math.sqrt(D));
  return matmul(softmax(bias === null ? scores : add(scores, bias), -1), v);
}

/** Full GCs with pauses between, so freed ArrayBuffer backing stores are really released. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** ArrayBuffer bytes allocated by one call of `fn` (settled GC first, none forced during), in MB. */
async function extraMemoryMB(fn: () => Tensor): Promise<number> {
  await settle();
  const before = process.memoryUsage().arrayBuffers;
  const out = fn();
  const grown = process.memoryUsage().arrayBuffers - before;
  sink.value += out.nd.data[0]!;
  return grown / 2 ** 20;
}

async function attention(L: number, causal: boolean): Promise<Row> {
  const shape = [BATCH, HEADS, L, D];
  const q = tensor(fillValues(BATCH * HEADS * L * D, 1), { shape });
  const k = tensor(fillValues(BATCH * HEADS * L * D, 2), { shape });
  const v = tensor(fillValues(BATCH * HEADS * L * D, 3), { shape });
  const biasData = new Float32Array(L * L);
  for (let i = 0; i < L; i++) biasData.fill(Number.NEGATIVE_INFINITY, i * L + i + 1, (i + 1) * L);
  const bias = causal ? tensor(biasData, { shape: [L, L] }) : null;
  const fused = () => noGrad(() => fusedAttention(q, k, v, { isCausal: causal }));
  const full = () => noGrad(() => materialised(q, k, v, bias));
  const fusedMB = await extraMemoryMB(fused);
  const materialisedMB = await extraMemoryMB(full);
  const options: MeasureOptions =
    L >= 1024
      ? { time: 0, iterations: 2, warmupIterations: 1, warmupTime: 0 }
      : { time: 1000, iterations: 3, warmupIterations: 2, warmupTime: 0 };
  return compare(
    `fusedAttention: batch=${BATCH} heads=${HEADS} L=${L} d=${D}${causal ? ' causal' : ''}`,
    { batch: BATCH, heads: HEADS, L, d: D, causal: causal ? 1 : 0, fusedMB, materialisedMB },
    4 * BATCH * HEADS * L * L * D,
    1e9,
    () => {
      sink.value += fused().nd.data[1]!;
    },
    {
      name: 'materialised',
      fn: () => {
        sink.value += full().nd.data[1]!;
      },
    },
    options,
  );
}

/** L = 128, 512, 1024, 2048, each plain and causal; prints the times and memory as a second table. */
export async function attentionSuite(): Promise<Suite> {
  const rows: Row[] = [];
  for (const L of [128, 512, 1024, 2048]) {
    for (const causal of [false, true]) rows.push(await attention(L, causal));
  }
  console.log('\nattention forward: median ms and extra ArrayBuffer MB per call');
  for (const r of rows) {
    const { fusedMB, materialisedMB } = r.params;
    console.log(
      `${r.name.padEnd(58)} fused ${r.attnkit.medianMs.toFixed(1).padStart(8)} ms ${fusedMB!.toFixed(1).padStart(7)} MB` +
        `   materialised ${r.baseline.medianMs.toFixed(1).padStart(8)} ms ${materialisedMB!.toFixed(1).padStart(7)} MB`,
    );
  }
  return { name: 'attention', unit: 'GFLOP/s', rows };
}
