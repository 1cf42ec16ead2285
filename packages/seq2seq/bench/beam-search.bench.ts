/**
 * Beam-search decoding speed with the encoder outputs and cross-attention keys/values shared by
 * the beams of a source (the models' `selectState`), against per-row copies of them (what
 * `selectState` did before: the same state gathered per beam at every step, reproduced by
 * `recordSelections(model, layout, true)`), on random models of `attnkit g2p`'s default sizes
 * over 300 random words (CMUdict-like: 4–10 letters, 30 letters, 43 phonemes), in batches of 256
 * words sorted by length as `g2p` decodes. Untrained models emit up to maxLen tokens: the worst
 * case. A and B alternate in one process (ABBA…) on a shared machine; the ratio is what counts.
 * Run with `pnpm --filter @attnkit/seq2seq bench` (after `pnpm build`); writes
 * bench/results/beam-search.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Generator, type Tensor, tensor } from '@attnkit/tensor';
import { Transformer } from '@attnkit/transformer';
import {
  beamSearch,
  type DecodingModel,
  EncoderDecoder,
  Seq2SeqAttentionDecoder,
  Seq2SeqEncoder,
} from '../src/index.js';
import { bahdanauLayout, recordSelections, type SharedLayout, transformerLayout } from '../test/models.js';

const LETTERS = 30;
const PHONEMES = 43;
const WORDS = 300;
const BATCH_WORDS = 256;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);

/** Length-sorted batches of random words, padded as `transcribe` pads them. */
function batches(seed: number): { src: Tensor; lens: Tensor; maxLen: number }[] {
  const rng = new Generator(seed);
  const words = Array.from({ length: WORDS }, () =>
    Array.from(
      { length: 4 + Math.floor(rng.random() * 7) },
      () => 4 + Math.floor(rng.random() * (LETTERS - 4)),
    ),
  ).sort((a, b) => a.length - b.length);
  const out = [];
  for (let start = 0; start < words.length; start += BATCH_WORDS) {
    const batch = words.slice(start, start + BATCH_WORDS);
    const len = batch.at(-1)!.length;
    const data = new Int32Array(batch.length * len);
    batch.forEach((w, b) => {
      data.set(w, b * len);
    });
    out.push({
      src: tensor(data, { shape: [batch.length, len], dtype: 'int32' }),
      lens: tensor(
        batch.map((w) => w.length),
        { dtype: 'int32' },
      ),
      maxLen: 2 * len + 4,
    });
  }
  return out;
}

/** Decodes every batch; returns the milliseconds and every best output (to check A = B). */
function decodeAll<S>(model: DecodingModel<S>, beamSize: number, data: ReturnType<typeof batches>) {
  const start = performance.now();
  const tokens: number[][] = [];
  for (const { src, lens, maxLen } of data) {
    const options = { bos: 1, eos: 2, maxLen, beamSize, alpha: 0.6 };
    for (const [best] of beamSearch(model, src, lens, options)) tokens.push(best!.tokens);
  }
  return { ms: performance.now() - start, tokens };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Shared (A) and per-row copies (B) alternating ABBA… for ROUNDS rounds after one warm-up each. */
function compare<S>(name: string, model: DecodingModel<S>, layout: SharedLayout<S>, beamSize: number) {
  const data = batches(7);
  const shared = recordSelections(model, layout, false);
  const copies = recordSelections(model, layout, true);
  const first = decodeAll(shared, beamSize, data);
  const reference = decodeAll(copies, beamSize, data);
  const same = first.tokens.every((t, i) => t.join() === reference.tokens[i]!.join());
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [shared, copies] : [copies, shared];
    for (const m of order) (m === shared ? a : b).push(decodeAll(m, beamSize, data).ms);
  }
  const ratios = a.map((ms, i) => b[i]! / ms);
  const row = {
    name,
    beamSize,
    words: WORDS,
    rounds: ROUNDS,
    sameOutputs: same,
    sharedMedianMs: median(a),
    perRowMedianMs: median(b),
    speedup: median(ratios),
    speedups: ratios,
  };
  console.log(
    `${name}, beam ${beamSize}: shared ${row.sharedMedianMs.toFixed(0)} ms, per-row copies ${row.perRowMedianMs.toFixed(0)} ms (median of ${ROUNDS}); speed-up ${row.speedup.toFixed(2)}× [${ratios.map((x) => x.toFixed(2)).join(', ')}]; same outputs: ${same}`,
  );
  return row;
}

const transformer = new Transformer({
  srcVocabSize: LETTERS,
  tgtVocabSize: PHONEMES,
  numHiddens: 128,
  ffnNumHiddens: 256,
  numHeads: 4,
  numBlks: 2,
  maxLen: 48,
  rng: new Generator(1),
}).eval();
const sizes = { embedSize: 64, numHiddens: 256, rng: new Generator(2) };
const bahdanau = new EncoderDecoder(
  new Seq2SeqEncoder({ vocabSize: LETTERS, ...sizes }),
  new Seq2SeqAttentionDecoder({ vocabSize: PHONEMES, ...sizes }),
).eval();

const rows = [
  compare('Transformer 2+2 × 128', transformer, transformerLayout, 4),
  compare('Transformer 2+2 × 128', transformer, transformerLayout, 5),
  compare('Bahdanau GRU 256', bahdanau, bahdanauLayout, 4),
];
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(
  new URL('beam-search.json', dir),
  `${JSON.stringify(
    {
      suite: 'beam-search',
      date: new Date().toISOString(),
      machine: {
        platform: platform(),
        release: release(),
        arch: arch(),
        cpus: cpus().length,
        loadavg: loadavg(),
      },
      rows,
    },
    null,
    2,
  )}\n`,
);
