// A/B of the training step of `attnkit train`'s default model between two built checkouts, in
// one process, interleaved (ABAB…), so a loaded machine affects both sides alike:
//
//   node scripts/ab-train-step.mjs [--base /work/main] [--rounds 8] [--steps 10] [--threads 1]
//     [--base-threads N] [--arena true]
//
// Side A is the base checkout's dist, side B this checkout's dist (each has its own module graph,
// tensor backend and WebAssembly instance). The model is the CLI default (TransformerLM: 2 blocks ×
// 4 heads, 64 hiddens, FFN 256, rotary, context 64, batch 16, vocabulary 90, AdamW lr 1e-2, betas
// (0.9, 0.99), weight decay 0.01, clipping at norm 1) on a fixed random batch, each step in a
// withArena scope as fit() runs it. Prints the median
// step time of each side per round and the ratio A/B of the medians (> 1: B is faster), plus the
// first step's loss of both sides (they must agree).
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '/work/main' },
    rounds: { type: 'string', default: '8' },
    steps: { type: 'string', default: '10' },
    threads: { type: 'string', default: '1' },
    'base-threads': { type: 'string' },
    arena: { type: 'string', default: 'true' },
  },
});
const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const threads = Number(values.threads);
// Side A's thread count (default: --threads); e.g. --base-threads 1 --threads 2 with --base a
// second checkout of the same code gives the two-thread speed-up.
const baseThreads = Number(values['base-threads'] ?? values.threads);

async function side(root, threads) {
  const load = (pkg) => import(pathToFileURL(resolve(root, 'packages', pkg, 'dist/index.js')).href);
  const [T, tr, tf] = await Promise.all([load('tensor'), load('training'), load('transformer')]);
  if (threads > 1) await T.setNumThreads(threads);
  const model = new tf.TransformerLM({
    vocabSize: 90,
    numHiddens: 64,
    numHeads: 4,
    numBlks: 2,
    ffnNumHiddens: 256,
    maxLen: 64,
    dropout: 0,
    positional: 'rotary',
    rng: new T.Generator(0),
  });
  const optimizer = new tr.AdamW(model.parameters(), { lr: 1e-2, betas: [0.9, 0.99], weightDecay: 0.01 });
  const gen = new T.Generator(1);
  const shape = [16, 64];
  const ids = () => T.randint(0, 90, shape, { rng: gen });
  const inputs = ids();
  const targets = ids();
  const raw = () => {
    optimizer.zeroGrad();
    const loss = tr.crossEntropy(model.forward(inputs), targets);
    const value = loss.item();
    loss.backward();
    tr.clipGradNorm(model.parameters(), 1);
    optimizer.step();
    return value;
  };
  // fit() (and so `attnkit train`) runs each step in a withArena scope; --arena false measures without.
  const step = values.arena === 'false' ? raw : () => T.withArena(raw);
  return { step, first: step() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const a = await side(resolve(values.base), baseThreads);
const b = await side(here, threads);
console.log(`first loss: A ${a.first.toFixed(6)}  B ${b.first.toFixed(6)}`);
for (let i = 0; i < 3; i++) {
  a.step();
  b.step();
}
const ratios = [];
for (let r = 0; r < rounds; r++) {
  const ta = [];
  const tb = [];
  for (let s = 0; s < steps; s++) {
    let t0 = performance.now();
    a.step();
    ta.push(performance.now() - t0);
    t0 = performance.now();
    b.step();
    tb.push(performance.now() - t0);
  }
  const ma = median(ta);
  const mb = median(tb);
  ratios.push(ma / mb);
  console.log(`round ${r}: A ${ma.toFixed(1)} ms  B ${mb.toFixed(1)} ms  A/B ${(ma / mb).toFixed(3)}`);
}
console.log(
  `median A/B over ${rounds} rounds: ${median(ratios).toFixed(3)} (threads A ${baseThreads}, B ${threads}; ` +
    `rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
);
process.exit(0);
