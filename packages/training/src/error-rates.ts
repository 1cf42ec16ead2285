import { InvalidArgumentError } from '@attnkit/tensor';
import { editDistance } from './edit-distance.js';

/** What {@link errorRates} returns. */
export interface ErrorRates {
  /** Word error rate: the fraction of words whose prediction equals none of their references. */
  readonly wer: number;
  /** Phoneme (token) error rate: total edit distance to the closest reference / total length of those references. */
  readonly per: number;
  /** Number of words scored. */
  readonly words: number;
  /** Words whose prediction matches no reference. */
  readonly wrongWords: number;
  /** Summed edit distance to the closest reference of each word. */
  readonly edits: number;
  /** Summed length of the closest references. */
  readonly referenceTokens: number;
}

/** Per word: whether it is right, and its distance to (and the length of) the closest reference. */
export interface WordScore {
  readonly correct: boolean;
  readonly edits: number;
  readonly referenceLength: number;
  /** Index of the closest reference (ties: the first, the shortest distance then the first listed). */
  readonly closest: number;
}

/**
 * Scores one prediction against every listed reference (e.g. the alternate pronunciations of a
 * word): right if it equals any of them, edit distance to the closest one.
 *
 * @throws {@link InvalidArgumentError} if `references` is empty.
 */
export function scoreWord<T>(prediction: readonly T[], references: readonly (readonly T[])[]): WordScore {
  if (!Array.isArray(references) || references.length === 0) {
    throw new InvalidArgumentError('scoreWord: references must be a non-empty array of token arrays.');
  }
  let best = Number.POSITIVE_INFINITY;
  let closest = 0;
  references.forEach((ref, i) => {
    const d = editDistance(prediction, ref);
    if (d < best) {
      best = d;
      closest = i;
    }
  });
  return { correct: best === 0, edits: best, referenceLength: references[closest]!.length, closest };
}

/**
 * Word and phoneme error rates of G2P-style predictions with several references per word: a word
 * counts as right when its prediction equals *any* reference, and its phoneme errors are the edit
 * distance to the closest reference (the convention of the published CMUdict results, e.g.
 * cmusphinx g2p-seq2seq and Phonetisaurus).
 *
 * Shapes: predictions (words, tokens…), references (words, alternatives, tokens…) -> rates
 *
 * @param predictions - One token sequence per word.
 * @param references - Per word, one or more reference token sequences.
 * @returns WER and PER as fractions in [0, 1] (PER can exceed 1 for long wrong predictions), with counts.
 * @throws {@link InvalidArgumentError} if the two lists differ in length, a word has no reference,
 *   or there is no word.
 * @see Bisani & Ney 2008 (joint-sequence models), §5 "evaluation"; cmusphinx/g2p-seq2seq.
 * @example
 * ```ts
 * errorRates([['T', 'AH', 'M']], [[['T', 'AH', 'M', 'EY', 'T', 'OW'], ['T', 'AH', 'M', 'AA', 'T', 'OW']]]);
 * // { wer: 1, per: 0.5, … }
 * ```
 */
export function errorRates<T>(
  predictions: readonly (readonly T[])[],
  references: readonly (readonly (readonly T[])[])[],
): ErrorRates {
  const op = 'errorRates';
  if (!Array.isArray(predictions) || !Array.isArray(references)) {
    throw new InvalidArgumentError(`${op}: predictions and references must be arrays.`);
  }
  if (predictions.length !== references.length) {
    throw new InvalidArgumentError(
      `${op}: references must have one entry per prediction (${predictions.length}); got ${references.length}.`,
    );
  }
  if (predictions.length === 0) throw new InvalidArgumentError(`${op}: there are no words to score.`);
  let wrongWords = 0;
  let edits = 0;
  let referenceTokens = 0;
  predictions.forEach((p, i) => {
    const refs = references[i]!;
    if (!Array.isArray(refs) || refs.length === 0) {
      throw new InvalidArgumentError(`${op}: references[${i}] must list at least one reference.`);
    }
    const s = scoreWord(p, refs);
    if (!s.correct) wrongWords++;
    edits += s.edits;
    referenceTokens += s.referenceLength;
  });
  const words = predictions.length;
  return {
    wer: wrongWords / words,
    per: referenceTokens === 0 ? (edits === 0 ? 0 : 1) : edits / referenceTokens,
    words,
    wrongWords,
    edits,
    referenceTokens,
  };
}
