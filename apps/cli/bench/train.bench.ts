/**
 * Throughput of `attnkit train`'s default model: tokens/s of one training step (forward, backward,
 * gradient clipping, AdamW) and of the forward pass alone, with the model's matmul work expressed
 * in GFLOP/s next to a plain-JavaScript matmul timed in the same run (so the ratio carries over
 * between machines). Run with `pnpm --filter @attnkit/cli bench` (after `pnpm build`); writes
 * bench/results/train.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release } from 'node:os';
import { Generator, noGrad } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy, randomWindows } from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';
import { Bench } from 'tinybench';
import { TRAIN_DEFAULTS } from '../src/commands/train.js';

/** Moby-Dick's vocabulary size (89 characters and `<unk>`). */
const VOCAB = 90;
const { hiddens, heads, blocks, context, batch } = TRAIN_DEFAULTS;
const tokens = batch * context;

interface Timing {
  medianMs: number;
  meanMs: number;
  rme: number;
  samples: number;
}

/** Times `fn` with tinybench; the median latency is robust to a noisy shared machine. */
async function measure(name: string, fn: () => void, time: number, iterations: number): Promise<Timing> {
  const bench = new Bench({ name, time, iterations, warmupIterations: 2, warmupTime: 0, throws: true });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result === undefined || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    throw new Error(`bench: ${name} did not complete (${result?.state ?? 'no task'}).`);
  }
  return {
    medianMs: result.latency.p50,
    meanMs: result.latency.mean,
    rme: result.latency.rme,
    samples: result.latency.samplesCount,
  };
}

/** Where each task puts one number of its result, so the JIT cannot drop the work. */
const sink = { value: 0 };

const model = new TransformerLM({
  vocabSize: VOCAB,
  numHiddens: hiddens,
  numHeads: heads,
  numBlks: blocks,
  ffnNumHiddens: 4 * hiddens,
  maxLen: context,
  rng: new Generator(0),
});
const optimizer = new AdamW(model.parameters(), { lr: TRAIN_DEFAULTS.lr, betas: [0.9, 0.99] });
const corpus = Int32Array.from({ length: 100_000 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 25).map(
  (x) => x % VOCAB,
);
const next = randomWindows(corpus, { contextLength: context, batchSize: batch, rng: new Generator(1) });
const fixed = next();

/**
 * Multiply-adds per token of the forward pass, as 2·flops: the dense layers (W_q, W_k, W_v, W_o,
 * the FFN, the output head) and the causal scores and weighted sums (average key count ≈ context/2).
 */
const flopsPerToken =
  2 * blocks * (4 * hiddens * hiddens + 2 * hiddens * 4 * hiddens) +
  2 * hiddens * VOCAB +
  2 * blocks * 2 * (context / 2) * hiddens;
// A training step costs about 3 forward passes (the backward pass needs two products per matmul).
const stepFlops = 3 * flopsPerToken * tokens;
const forwardFlops = flopsPerToken * tokens;

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

model.train();
const step = await measure(
  'train step',
  () => {
    const { inputs, targets } = next();
    model.zeroGrad();
    optimizer.zeroGrad();
    const loss = crossEntropy(model.forward(inputs), targets);
    loss.backward();
    clipGradNorm(model.parameters(), 1);
    optimizer.step();
    sink.value += loss.item();
  },
  8000,
  5,
);
model.eval();
const forward = await measure(
  'forward',
  () => {
    noGrad(() => {
      sink.value += model.forward(fixed.inputs).nd.data[0]!;
    });
  },
  4000,
  5,
);
// The FFN's first product, (tokens × hiddens)·(hiddens × 4·hiddens), as a plain triple loop.
const a = Float32Array.from({ length: tokens * hiddens }, (_, i) => Math.sin(i));
const b = Float32Array.from({ length: hiddens * 4 * hiddens }, (_, i) => Math.cos(i));
const out = new Float32Array(tokens * 4 * hiddens);
const naive = await measure(
  'naive matmul',
  () => {
    naiveMatmul(out, a, b, tokens, 4 * hiddens, hiddens);
    sink.value += out[1]!;
  },
  2000,
  5,
);
const naiveGflops = (2 * tokens * hiddens * 4 * hiddens) / (naive.medianMs / 1000) / 1e9;

const rows = [
  {
    name: `train step: batch=${batch} context=${context} hiddens=${hiddens} heads=${heads} blocks=${blocks}`,
    tokensPerSecond: tokens / (step.medianMs / 1000),
    gflops: stepFlops / (step.medianMs / 1000) / 1e9,
    ...step,
  },
  {
    name: `forward: batch=${batch} context=${context} hiddens=${hiddens} heads=${heads} blocks=${blocks}`,
    tokensPerSecond: tokens / (forward.medianMs / 1000),
    gflops: forwardFlops / (forward.medianMs / 1000) / 1e9,
    ...forward,
  },
].map((row) => ({ ...row, ratioToNaiveMatmul: row.gflops / naiveGflops }));

const machine = {
  os: `${platform()} ${release()} ${arch()}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
};
const result = {
  suite: 'train',
  machine,
  model: {
    vocabSize: VOCAB,
    hiddens,
    heads,
    blocks,
    ffnNumHiddens: 4 * hiddens,
    context,
    batch,
    parameters: model.numParameters(),
  },
  baseline: {
    name: `naive i-k-j matmul ${tokens}×${hiddens}·${hiddens}×${4 * hiddens}`,
    gflops: naiveGflops,
    ...naive,
  },
  rows,
};
console.log(`machine: ${machine.cpu} × ${machine.cores}, ${machine.os}, node ${machine.node}`);
for (const row of rows) {
  console.log(
    `${row.name}: ${Math.round(row.tokensPerSecond)} tokens/s, ${row.gflops.toFixed(2)} GFLOP/s (${row.ratioToNaiveMatmul.toFixed(2)}× the naive matmul's ${naiveGflops.toFixed(2)} GFLOP/s), median ${row.medianMs.toFixed(0)} ms over ${row.samples} samples`,
  );
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/train.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote bench/results/train.json (sink ${sink.value.toFixed(3)})`);
