// Data helpers of the G2P snippets (grapheme-to-phoneme on a CMUdict sample): vocabularies with
// D2L's reserved tokens, a seeded split by word, padded length-bucketed batches and WER/PER.
import { Generator, type Tensor } from '@attnkit/tensor';
import {
  bucketBatches,
  type ErrorRates,
  errorRates,
  padSequences,
  Vocab,
} from '@attnkit/training';
import { CMUDICT_SAMPLE } from './cmudict-sample.js';

/** One padded batch: D2L's `(src, tgt, src_valid_len, label)`. */
export interface G2PBatch {
  src: Tensor;
  srcValidLens: Tensor;
  decInput: Tensor;
  labels: Tensor;
}

export interface G2PData {
  letters: Vocab;
  phonemes: Vocab;
  /** `<pad>`, `<bos>`, `<eos>` of the phoneme vocabulary. */
  pad: number;
  bos: number;
  eos: number;
  batches: G2PBatch[];
  /** Held-out words (no word is in both parts) with their reference phonemes. */
  test: { word: string; phonemes: string[] }[];
  /** Letters + `<eos>` of the held-out words, padded, and their valid lengths. */
  testSrc: Tensor;
  testValidLens: Tensor;
}

const RESERVED = ['<unk>', '<pad>', '<bos>', '<eos>'];

/** Splits the sample by word (seeded), builds the vocabularies and the training batches. */
export function g2pData(options: {
  testWords: number;
  batchSize: number;
  seed?: number;
}): G2PData {
  const rng = new Generator(options.seed ?? 0);
  const all = CMUDICT_SAMPLE.map(([word, p]) => ({
    word,
    phonemes: p.split(' '),
  }));
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const test = all.slice(0, options.testWords);
  const train = all.slice(options.testWords);
  const letters = new Vocab([
    ...RESERVED,
    ...[...new Set(train.flatMap((e) => [...e.word]))].sort(),
  ]);
  const phonemes = new Vocab([
    ...RESERVED,
    ...[...new Set(train.flatMap((e) => e.phonemes))].sort(),
  ]);
  const [pad, bos, eos] = ['<pad>', '<bos>', '<eos>'].map((t) =>
    phonemes.tokenToId(t),
  ) as [number, number, number];
  const src = (word: string): number[] => [
    ...[...word].map((c) => letters.tokenToId(c)),
    eos,
  ];
  const tgt = (p: string[]): number[] => [
    ...p.map((x) => phonemes.tokenToId(x)),
    eos,
  ];
  const lengths = train.map((e) => e.word.length + e.phonemes.length);
  const batches = bucketBatches(lengths, {
    batchSize: options.batchSize,
    rng,
  }).map((idx) => {
    const items = idx.map((i) => train[i]!);
    const s = padSequences(
      items.map((e) => src(e.word)),
      { padId: pad },
    );
    const labels = padSequences(
      items.map((e) => tgt(e.phonemes)),
      { padId: pad },
    );
    const dec = padSequences(
      items.map((e) => [bos, ...tgt(e.phonemes).slice(0, -1)]),
      { padId: pad },
    );
    return {
      src: s.tokens,
      srcValidLens: s.validLens,
      decInput: dec.tokens,
      labels: labels.tokens,
    };
  });
  const t = padSequences(
    test.map((e) => src(e.word)),
    { padId: pad },
  );
  return {
    letters,
    phonemes,
    pad,
    bos,
    eos,
    batches,
    test,
    testSrc: t.tokens,
    testValidLens: t.validLens,
  };
}

/** WER (right if equal to the reference) and PER (edit distance / reference length) of predicted ids. */
export function g2pScores(
  data: G2PData,
  predicted: readonly (readonly number[])[],
): ErrorRates {
  return errorRates(
    predicted.map((ids) => ids.map((i) => data.phonemes.tokens[i]!)),
    data.test.map((e) => [e.phonemes]),
  );
}

/** The letters of a held-out word and `<eos>`, for heatmap titles. */
export function lettersOf(word: string): string {
  return [...word, '<eos>'].join(' ');
}

/** A `(steps, srcLen)` matrix from a hypothesis' attention `(steps, layers, heads, srcLen)`: last layer, mean over heads. */
export function alignment(attention: Tensor, srcLen: number): number[][] {
  const [steps, layers, heads, keys] = attention.shape as [
    number,
    number,
    number,
    number,
  ];
  const w = attention.toTypedArray();
  return Array.from({ length: steps }, (_, s) =>
    Array.from({ length: srcLen }, (_, k) => {
      let sum = 0;
      for (let h = 0; h < heads; h++)
        sum += Number(w[((s * layers + layers - 1) * heads + h) * keys + k]);
      return sum / heads;
    }),
  );
}
