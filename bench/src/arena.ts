/**
 * The buffer pool (`withArena`, issue 15) on the main job's training step, A/B in one process:
 * two identical copies of the CLI's default TransformerLM (64 hiddens, 4 heads, 2 blocks, FFN 256,
 * context 64, batch 16, rotary, AdamW betas (0.9, 0.99), clipping at 1) train on the same batches,
 * one step by step inside `withArena` with a persistent pool (what `fit` does), the other with
 * plain allocation. Blocks of steps alternate A, B, A, B…, with a forced GC between blocks (so a
 * block pays only for its own garbage). Reports, per mode: the share of wall time spent in GC
 * (PerformanceObserver 'gc' entries inside the mode's blocks), tokens/s, and the heap
 * (heapUsed + arrayBuffers after a forced GC) at each block end with its growth per step; then the
 * ratios pooled/unpooled. Checks that both copies reach bit-identical losses.
 *
 * Run: `pnpm --filter @attnkit/bench arena [steps=120] [block=10]` (prints JSON).
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { BufferPool, Generator, type Tensor, tensor, withArena } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy } from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('bench arena: run node with --expose-gc.');

const STEPS = Number(process.argv[2] ?? 120);
const BLOCK = Number(process.argv[3] ?? 10);
const [HIDDENS, HEADS, BLOCKS, CONTEXT, BATCH, VOCAB] = [64, 4, 2, 64, 16, 90];

function makeRun() {
  const model = new TransformerLM({
    vocabSize: VOCAB,
    numHiddens: HIDDENS,
    numHeads: HEADS,
    numBlks: BLOCKS,
    ffnNumHiddens: 4 * HIDDENS,
    maxLen: CONTEXT,
    dropout: 0,
    positional: 'rotary',
    rng: new Generator(0),
  });
  const optimizer = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01, betas: [0.9, 0.99] });
  return { model, optimizer };
}

/** Batch `k`: deterministic token ids, `(batch, context)` inputs and next-token targets. */
function batch(k: number): { inputs: Tensor; targets: Tensor } {
  const n = BATCH * (CONTEXT + 1);
  const ids = new Int32Array(n);
  let s = (k * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    ids[i] = s % VOCAB;
  }
  const inputs = new Int32Array(BATCH * CONTEXT);
  const targets = new Int32Array(BATCH * CONTEXT);
  for (let b = 0; b < BATCH; b++) {
    for (let t = 0; t < CONTEXT; t++) {
      inputs[b * CONTEXT + t] = ids[b * (CONTEXT + 1) + t] as number;
      targets[b * CONTEXT + t] = ids[b * (CONTEXT + 1) + t + 1] as number;
    }
  }
  const shape = [BATCH, CONTEXT];
  return {
    inputs: tensor(inputs, { shape, dtype: 'int32' }),
    targets: tensor(targets, { shape, dtype: 'int32' }),
  };
}

type Run = ReturnType<typeof makeRun>;
function step(run: Run, b: { inputs: Tensor; targets: Tensor }): number {
  run.model.zeroGrad();
  run.optimizer.zeroGrad();
  const loss = crossEntropy(run.model.forward(b.inputs), b.targets);
  const value = loss.item();
  loss.backward();
  clipGradNorm(run.model.parameters(), 1);
  run.optimizer.step();
  return value;
}

interface Mode {
  name: 'pooled' | 'unpooled';
  run: Run;
  windows: [number, number][];
  ms: number;
  steps: number;
  losses: number[];
  heap: number[];
}

const pool = new BufferPool();
const modes: Mode[] = (['pooled', 'unpooled'] as const).map((name) => ({
  name,
  run: makeRun(),
  windows: [],
  ms: 0,
  steps: 0,
  losses: [],
  heap: [],
}));
const gcEntries: { start: number; duration: number; kind: number }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
    gcEntries.push({ start: e.startTime, duration: e.duration, kind });
  }
});
observer.observe({ entryTypes: ['gc'] });

// Warm-up: JIT, the WebAssembly kernels and the pool (not measured).
for (const m of modes) {
  for (let k = 0; k < 3; k++) {
    const b = batch(k);
    m.losses.push(m.name === 'pooled' ? withArena(() => step(m.run, b), { pool }) : step(m.run, b));
  }
}
let k = 3;
const heapNow = (): number => {
  gc();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
};
for (let done = 0; done < STEPS; done += BLOCK) {
  const batches = Array.from({ length: BLOCK }, (_, i) => batch(k + i));
  k += BLOCK;
  // Alternate which mode goes first, so neither always follows the other's garbage.
  const order = (done / BLOCK) % 2 === 0 ? modes : [...modes].reverse();
  for (const m of order) {
    gc();
    const t0 = performance.now();
    for (const b of batches) {
      m.losses.push(m.name === 'pooled' ? withArena(() => step(m.run, b), { pool }) : step(m.run, b));
    }
    const t1 = performance.now();
    m.windows.push([t0, t1]);
    m.ms += t1 - t0;
    m.steps += BLOCK;
    m.heap.push(heapNow());
  }
}
await new Promise((r) => setTimeout(r, 50));
observer.disconnect();

const tokens = BATCH * CONTEXT;
const report = modes.map((m) => {
  let gcMs = 0;
  // perf_hooks constants: 1 minor (scavenge), 2 major, 4 incremental marking, 8 weak callbacks.
  const byKind: Record<string, number> = {};
  for (const e of gcEntries) {
    if (!m.windows.some(([a, b]) => e.start >= a && e.start < b)) continue;
    gcMs += e.duration;
    const name = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' }[e.kind] ?? String(e.kind);
    byKind[name] = Number(((byKind[name] ?? 0) + e.duration / m.ms).toFixed(4));
  }
  const half = Math.floor(m.heap.length / 2);
  const growth =
    m.heap.length > 1
      ? (m.heap[m.heap.length - 1]! - m.heap[half]!) / ((m.heap.length - 1 - half) * BLOCK)
      : 0;
  return {
    mode: m.name,
    steps: m.steps,
    tokensPerSecond: Math.round((m.steps * tokens) / (m.ms / 1000)),
    gcShare: Number((gcMs / m.ms).toFixed(4)),
    gcShareByKind: byKind,
    heapMiB: m.heap.map((h) => Number((h / 2 ** 20).toFixed(2))),
    heapGrowthBytesPerStep: Math.round(growth),
  };
});
const [a, b] = report as [(typeof report)[0], (typeof report)[0]];
const [pa, pb] = modes as [Mode, Mode];
const identical = pa.losses.every((v, i) => Object.is(v, pb.losses[i]));
console.log(
  JSON.stringify(
    {
      model: { hiddens: HIDDENS, heads: HEADS, blocks: BLOCKS, context: CONTEXT, batch: BATCH },
      report,
      ratios: { tokensPerSecond: Number((a.tokensPerSecond / b.tokensPerSecond).toFixed(3)) },
      pool: pool.stats(),
      lossesBitIdentical: identical,
    },
    null,
    2,
  ),
);
if (!identical) process.exitCode = 1;
