/**
 * Throughput of `attnkit g2p train`'s default Transformer on real CMUdict batches: phonemes/s of
 * one training step (forward, backward, clipping, AdamW) on length-bucketed batches, and words/s
 * of beam-search transcription (KV-cached decoding), next to a plain-JavaScript matmul timed in
 * the same run (so the ratio carries over between machines). Run with
 * `pnpm --filter @attnkit/cli bench` (after `pnpm build`); writes bench/results/g2p.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { Generator } from '@attnkit/tensor';
import { AdamW, clipGradNorm, crossEntropy } from '@attnkit/training';
import { Bench } from 'tinybench';
import { G2P_DEFAULTS, G2P_PRESETS, prepareData } from '../src/commands/g2p.js';
import { batchStream, type G2PBatch } from '../src/g2p/batches.js';
import { transcribe } from '../src/g2p/decode.js';
import { buildModel } from '../src/g2p/model.js';

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

const preset = G2P_PRESETS.transformer.default;
const data = await prepareData(G2P_DEFAULTS);
const { vocabs } = data;
const ids = { pad: vocabs.phonemes.tokenToId('<pad>'), bos: vocabs.phonemes.tokenToId('<bos>') };
const model = buildModel(
  {
    kind: 'transformer',
    transformer: {
      srcVocabSize: vocabs.letters.size,
      tgtVocabSize: vocabs.phonemes.size,
      numHiddens: preset.hiddens,
      ffnNumHiddens: preset.ffn,
      numHeads: preset.heads,
      numBlks: preset.blocks,
      numDecoderBlks: preset.blocks,
      dropout: preset.dropout,
      maxLen: 48,
      norm: preset.norm,
      tieWeights: false,
      shareEmbeddings: false,
      dtype: 'float32',
    },
  },
  0,
  48,
);
const optimizer = new AdamW(model.module.parameters(), { lr: preset.lr, betas: [0.9, 0.98] });
const stream = batchStream(data.train, { batchSize: preset.batch, rng: new Generator(1), ids });
let phonemes = 0;
let steps = 0;

model.module.train();
const step = await measure(
  'train step',
  () => {
    const b: G2PBatch = stream.next();
    optimizer.zeroGrad();
    const loss = crossEntropy(model.logits(b.src, b.decInput, b.srcValidLens), b.labels, {
      ignoreIndex: ids.pad,
      labelSmoothing: preset.labelSmoothing,
    });
    loss.backward();
    clipGradNorm(model.module.parameters(), 1);
    optimizer.step();
    phonemes += b.tokens;
    steps++;
    sink.value += loss.item();
  },
  10_000,
  5,
);
// Beam search on 256 held-out words (an untrained model emits up to maxLen tokens: the worst case).
const words = data.split.test.slice(0, 256);
const decode = await measure(
  'beam search',
  () => {
    const out = transcribe(model, vocabs, words, { beam: preset.beam, nBest: 1 });
    sink.value += out[0]!.pronunciations[0]!.phonemes.length;
  },
  10_000,
  2,
);

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
// The FFN's first product for one batch: (2048 × hiddens)·(hiddens × ffn).
const m = 2048;
const a = Float32Array.from({ length: m * preset.hiddens }, (_, i) => Math.sin(i));
const b = Float32Array.from({ length: preset.hiddens * preset.ffn }, (_, i) => Math.cos(i));
const out = new Float32Array(m * preset.ffn);
const naive = await measure(
  'naive matmul',
  () => {
    naiveMatmul(out, a, b, m, preset.ffn, preset.hiddens);
    sink.value += out[1]!;
  },
  2000,
  5,
);
const naiveGflops = (2 * m * preset.hiddens * preset.ffn) / (naive.medianMs / 1000) / 1e9;
const meanPhonemes = phonemes / steps;
const rows = [
  {
    name: `g2p train step: transformer hiddens=${preset.hiddens} blocks=${preset.blocks}+${preset.blocks} batch=${preset.batch}`,
    phonemesPerSecond: meanPhonemes / (step.medianMs / 1000),
    stepsPerSecond: 1000 / step.medianMs,
    ...step,
  },
  {
    name: `g2p beam search: beam=${preset.beam} words=${words.length} (untrained model)`,
    wordsPerSecond: words.length / (decode.medianMs / 1000),
    ...decode,
  },
];
const machine = {
  os: `${platform()} ${release()} ${arch()}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  node: process.version,
  loadAverage: loadavg(),
};
const result = {
  suite: 'g2p',
  machine,
  model: { ...preset, parameters: model.module.numParameters() },
  baseline: {
    name: `naive i-k-j matmul ${m}×${preset.hiddens}·${preset.hiddens}×${preset.ffn}`,
    gflops: naiveGflops,
    ...naive,
  },
  rows,
};
console.log(
  `machine: ${machine.cpu} × ${machine.cores}, load ${machine.loadAverage.map((x) => x.toFixed(1)).join(' ')}`,
);
for (const row of rows)
  console.log(`${row.name}: median ${row.medianMs.toFixed(0)} ms over ${row.samples} samples`, row);
console.log(`naive matmul: ${naiveGflops.toFixed(2)} GFLOP/s`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/g2p.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote bench/results/g2p.json (sink ${sink.value.toFixed(3)})`);
