import { readFile } from 'node:fs/promises';
import { CliError } from '../errors.js';
import { transcribe } from '../g2p/decode.js';
import { evaluateTest, formatTestReport, type TestReport } from '../g2p/evaluate.js';
import { type G2PKind, loadG2PCheckpoint } from '../g2p/model.js';
import { type Io, writeJson, writeLine } from '../io.js';
import { prepareData } from './g2p.js';

/** Options of {@link g2pEval}. */
export interface G2PEvalOptions {
  checkpoint: string;
  /** Beam size (default: the one recorded at training, else 4). */
  beam?: number;
  /** Fail unless the checkpoint holds this kind of model. */
  model?: G2PKind;
}

/**
 * `attnkit g2p eval`: rebuilds the checkpoint's split (same dictionary, stress and seed), checks
 * that its training words are the ones in `train-words.txt`, and recomputes WER/PER on every
 * held-out word, with the baseline, rewriting `test-predictions.tsv`.
 *
 * @throws {@link CliError} if the checkpoint is missing, of the other kind, or its split cannot be rebuilt.
 */
export async function g2pEval(options: G2PEvalOptions, io: Io): Promise<Omit<TestReport, 'transcriptions'>> {
  const { model, vocabs, config } = await loadG2PCheckpoint(options.checkpoint, options.model);
  const d = config.data;
  const data = await prepareData({
    ...(d.dict === 'cmudict' ? {} : { dict: d.dict }),
    stress: d.stress,
    skipMalformed: d.skipMalformed,
    testFraction: d.testFraction,
    validWords: d.validWords,
    seed: d.splitSeed,
  });
  if (data.split.train.length !== d.trainWords || data.split.test.length !== d.testWords) {
    throw new CliError(
      `the dictionary gives ${data.split.train.length} training and ${data.split.test.length} test words, but the checkpoint was trained with ${d.trainWords} and ${d.testWords}: it is not the same dictionary.`,
    );
  }
  try {
    const recorded = (await readFile(`${options.checkpoint}/train-words.txt`, 'utf8')).trim().split('\n');
    if (recorded.join('\n') !== data.split.train.join('\n')) {
      throw new CliError(`${options.checkpoint}/train-words.txt does not match the rebuilt split.`);
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
  }
  const beam = options.beam ?? (typeof config.metrics?.beam === 'number' ? config.metrics.beam : 4);
  const test = await evaluateTest(model, vocabs, data.dict, data.split, { out: options.checkpoint, beam });
  const { transcriptions: _t, ...report } = test;
  if (io.terminal === undefined) writeJson(io.out, { event: 'eval', ...report });
  else writeLine(io.out, formatTestReport(test, config.model.kind));
  return report;
}

/** Options of {@link g2pPredict}. */
export interface G2PPredictOptions {
  checkpoint: string;
  words: readonly string[];
  /** A file of words, one per line. */
  input?: string;
  beam: number;
  nbest: number;
  alpha?: number;
}

/**
 * `attnkit g2p predict`: prints `WORD  PH1 PH2 …` for each word (CMUdict's format; with `--nbest`
 * the alternates as `WORD(1)`, `WORD(2)`, …).
 *
 * @throws {@link CliError} on an unknown character, a word longer than the model takes, no words,
 *   or `nbest` > `beam`.
 */
export async function g2pPredict(options: G2PPredictOptions, io: Io): Promise<void> {
  if (options.nbest > options.beam) {
    throw new CliError(`--nbest (${options.nbest}) must not exceed --beam (${options.beam}).`);
  }
  const words = [...options.words];
  if (options.input !== undefined) {
    let text: string;
    try {
      text = await readFile(options.input, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${options.input}: ${(err as Error).message}`);
    }
    words.push(
      ...text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l !== ''),
    );
  }
  if (words.length === 0) throw new CliError('no words to transcribe: give WORD... or --input FILE.');
  const { model, vocabs } = await loadG2PCheckpoint(options.checkpoint);
  const results = transcribe(
    model,
    vocabs,
    words.map((w) => w.toLowerCase()),
    {
      beam: options.beam,
      nBest: options.nbest,
      ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
    },
  );
  results.forEach((r, i) => {
    r.pronunciations.forEach((p, k) => {
      const word = words[i]!.toUpperCase();
      writeLine(io.out, `${k === 0 ? word : `${word}(${k})`}  ${p.phonemes.join(' ')}`);
    });
  });
}
