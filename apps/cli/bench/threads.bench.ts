/**
 * Thread scaling of `attnkit train`'s default model: tokens/s of one training step (forward,
 * backward, clipping, AdamW) with `setNumThreads(1)` and `setNumThreads(2)`, measured in one
 * process, interleaved (rounds of 1 thread then 2 threads), so a machine loaded by other work
 * slows both alike; the figure is the ratio of the medians. Before timing it checks that one
 * step from the same weights and batch gives bit-identical loss, gradients and updated weights on
 * 1 and 2 threads. On a 2-core machine shared with other jobs the 2-thread figure is pessimistic:
 * the second thread competes for a core. Run with
 * `pnpm build && pnpm --filter @attnkit/cli exec tsx bench/threads.bench.ts [steps per round] [rounds]`;
 * writes bench/results/threads.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { Generator, getNumThreads, setNumThreads, type Tensor } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy, randomWindows } from '@attnkit/training';
import { TransformerLM } from '@attnkit/transformer';
import { TRAIN_DEFAULTS } from '../src/commands/train.js';

/** Moby-Dick's vocabulary size (89 characters and `<unk>`). */
const VOCAB = 90;
const { hiddens, heads, blocks, context, batch } = TRAIN_DEFAULTS;
const tokens = batch * context;
const stepsPerRound = Number(process.argv[2] ?? 10);
const rounds = Number(process.argv[3] ?? 8);

const corpus = Int32Array.from({ length: 100_000 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 25).map(
  (x) => x % VOCAB,
);

function makeModel(): { model: TransformerLM; optimizer: AdamW } {
  const model = new TransformerLM({
    vocabSize: VOCAB,
    numHiddens: hiddens,
    numHeads: heads,
    numBlks: blocks,
    ffnNumHiddens: 4 * hiddens,
    maxLen: context,
    positional: TRAIN_DEFAULTS.positional,
    rng: new Generator(TRAIN_DEFAULTS.seed),
  });
  model.train();
  const optimizer = new AdamW(model.parameters(), {
    lr: TRAIN_DEFAULTS.lr,
    betas: [0.9, 0.99],
    weightDecay: TRAIN_DEFAULTS.weightDecay,
  });
  return { model, optimizer };
}

function step(model: TransformerLM, optimizer: AdamW, inputs: Tensor, targets: Tensor): number {
  optimizer.zeroGrad();
  const loss = crossEntropy(model.forward(inputs), targets);
  loss.backward();
  clipGradNorm(model.parameters(), 1);
  optimizer.step();
  return loss.item();
}

/** Loss, gradients and updated weights of one step from fresh weights, as raw bits. */
async function oneStep(threads: number): Promise<{ loss: number; bits: Uint32Array[] }> {
  await setNumThreads(threads);
  const { model, optimizer } = makeModel();
  const windows = randomWindows(corpus, { contextLength: context, batchSize: batch, rng: new Generator(1) });
  const { inputs, targets } = windows();
  const loss = step(model, optimizer, inputs, targets);
  const bits = model
    .parameters()
    .flatMap((p) => [p.grad!.toTypedArray(), p.toTypedArray()])
    .map((a) => new Uint32Array(Float32Array.from(a as Float32Array).buffer));
  return { loss, bits };
}

function identical(a: Uint32Array[], b: Uint32Array[]): number {
  let differing = 0;
  for (let t = 0; t < a.length; t++) {
    for (let i = 0; i < a[t]!.length; i++) if (a[t]![i] !== b[t]![i]) differing++;
  }
  return differing;
}

const one = await oneStep(1);
const two = await oneStep(2);
if (getNumThreads() !== 2) throw new Error('bench threads: setNumThreads(2) gave one thread.');
const differing = identical(one.bits, two.bits) + (one.loss === two.loss ? 0 : 1);
console.log(
  `1 vs 2 threads, one step from the same weights: ${differing === 0 ? 'bit-identical' : `${differing} values differ`} (loss ${one.loss})`,
);

const { model, optimizer } = makeModel();
const next = randomWindows(corpus, { contextLength: context, batchSize: batch, rng: new Generator(1) });
const times: Record<1 | 2, number[]> = { 1: [], 2: [] };
let sink = 0;
for (const threads of [1, 2] as const) {
  await setNumThreads(threads);
  for (let i = 0; i < 5; i++) {
    const { inputs, targets } = next();
    sink += step(model, optimizer, inputs, targets);
  }
}
for (let r = 0; r < rounds; r++) {
  for (const threads of [1, 2] as const) {
    await setNumThreads(threads);
    const { inputs, targets } = next();
    sink += step(model, optimizer, inputs, targets); // first step after a switch: untimed
    for (let i = 0; i < stepsPerRound; i++) {
      const { inputs, targets } = next();
      const t0 = performance.now();
      sink += step(model, optimizer, inputs, targets);
      times[threads].push(performance.now() - t0);
    }
  }
}
await setNumThreads(1);

const median = (xs: number[]): number => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const m1 = median(times[1]);
const m2 = median(times[2]);
const machine = {
  os: `${platform()} ${release()} ${arch()}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  loadavg: loadavg(),
};
const result = {
  suite: 'threads',
  machine,
  model: { vocabSize: VOCAB, hiddens, heads, blocks, ffnNumHiddens: 4 * hiddens, context, batch },
  stepsPerRound,
  rounds,
  bitIdentical: differing === 0,
  oneThread: { medianMs: m1, tokensPerSecond: tokens / (m1 / 1000) },
  twoThreads: { medianMs: m2, tokensPerSecond: tokens / (m2 / 1000) },
  speedup: m1 / m2,
};
console.log(
  `machine: ${machine.cpu} × ${machine.cores}, load ${machine.loadavg.map((x) => x.toFixed(1)).join(' ')}`,
);
console.log(
  `1 thread: ${Math.round(result.oneThread.tokensPerSecond)} tokens/s (median ${m1.toFixed(1)} ms); 2 threads: ${Math.round(result.twoThreads.tokensPerSecond)} tokens/s (median ${m2.toFixed(1)} ms); 2/1 = ${result.speedup.toFixed(2)}× over ${rounds} interleaved rounds of ${stepsPerRound} steps`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/threads.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote bench/results/threads.json (sink ${sink.toFixed(3)})`);
