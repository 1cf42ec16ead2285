import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ErrorRates, errorRates } from '@attnkit/training';
import { AlignmentBaseline } from './baseline.js';
import type { Cmudict } from './cmudict.js';
import type { G2PVocabs, WordSplit } from './data.js';
import { type Transcription, transcribe } from './decode.js';
import type { G2PModel } from './model.js';

/**
 * Published CMUdict results (cmusphinx/g2p-seq2seq README, "CMUdict latest, without stress"),
 * on *their* split, not ours: for scale only.
 */
export const PUBLISHED = [
  { model: 'g2p-seq2seq Transformer 2 layers × 256', wer: 0.31 },
  { model: 'g2p-seq2seq LSTM 2 layers × 512', wer: 0.31 },
  { model: 'Phonetisaurus (WFST joint n-gram)', wer: 0.339 },
  { model: 'g2p-seq2seq LSTM 2 layers × 64', wer: 0.39 },
] as const;

/** What {@link evaluateTest} measures on the held-out words. */
export interface TestReport {
  readonly words: number;
  readonly model: ErrorRates;
  readonly baseline: ErrorRates;
  readonly beam: number;
  readonly decodeSeconds: number;
  readonly baselineSeconds: number;
  readonly predictions: string;
  readonly transcriptions: readonly Transcription[];
}

/**
 * Beam-search transcriptions of every held-out word, their WER/PER, the alignment baseline's on
 * the same words (trained on the same training words), and `test-predictions.tsv`
 * (`word<TAB>predicted<TAB>references joined by " | "`).
 */
export async function evaluateTest(
  model: G2PModel,
  vocabs: G2PVocabs,
  dict: Cmudict,
  split: WordSplit,
  options: { out: string; beam: number; onProgress?: (done: number) => void },
): Promise<TestReport> {
  const t0 = performance.now();
  const transcriptions = transcribe(model, vocabs, split.test, {
    beam: options.beam,
    nBest: 1,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const decodeSeconds = (performance.now() - t0) / 1000;
  const refs = split.test.map((w) => dict.entries.get(w)!);
  const modelRates = errorRates(
    transcriptions.map((t) => t.pronunciations[0]!.phonemes),
    refs,
  );
  const t1 = performance.now();
  const baselineRates = baselineOn(dict, split);
  const baselineSeconds = (performance.now() - t1) / 1000;
  const predictions = join(options.out, 'test-predictions.tsv');
  const lines = transcriptions.map(
    (t, i) =>
      `${t.word}\t${t.pronunciations[0]!.phonemes.join(' ')}\t${refs[i]!.map((p) => p.join(' ')).join(' | ')}`,
  );
  await writeFile(predictions, `${lines.join('\n')}\n`);
  return {
    words: split.test.length,
    model: modelRates,
    baseline: baselineRates,
    beam: options.beam,
    decodeSeconds,
    baselineSeconds,
    predictions,
    transcriptions,
  };
}

/** The alignment baseline trained on the training words, scored on the test words. */
export function baselineOn(dict: Cmudict, split: WordSplit): ErrorRates {
  const pairs = split.train.flatMap((w) => dict.entries.get(w)!.map((p) => [w, p] as const));
  const baseline = AlignmentBaseline.train(pairs);
  return errorRates(
    split.test.map((w) => baseline.predict(w)),
    split.test.map((w) => dict.entries.get(w)!),
  );
}

/** The metrics table printed at the end of `g2p train` and by `g2p eval`. */
export function formatTestReport(r: TestReport, modelName: string): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`.padStart(6);
  const row = (name: string, e: { wer: number; per?: number }): string =>
    `  ${name.padEnd(44)} ${pct(e.wer)}  ${e.per === undefined ? '     –' : pct(e.per)}`;
  return [
    `held-out words: ${r.words.toLocaleString('en-US')} (none seen in training); ${r.beam === 1 ? 'greedy search' : `beam search, beam ${r.beam}`}`,
    `  ${'model'.padEnd(44)}    WER     PER`,
    row(modelName, r.model),
    row('baseline: alignment + letter context (ours)', r.baseline),
    'published on a different split (cmusphinx g2p-seq2seq, CMUdict without stress):',
    ...PUBLISHED.map((p) => row(p.model, { wer: p.wer })),
    `predictions: ${r.predictions}`,
  ].join('\n');
}
