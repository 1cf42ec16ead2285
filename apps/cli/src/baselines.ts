import type { Window } from './internal/evaluate.js';

/** Cross-entropies (nats per character) of the n-gram baselines on held-out text. */
export interface NgramBaselines {
  /** Add-one smoothed character frequencies of the training text. */
  readonly unigram: number;
  /** Add-one smoothed next-character frequencies given the previous character. */
  readonly bigram: number;
  /** Number of predicted characters. */
  readonly count: number;
}

/**
 * The unigram and bigram baselines that a language model must beat: both are estimated on
 * `train` with add-one (Laplace) smoothing over `vocabSize` symbols and scored on the
 * predictions `val[i − 1] → val[i]` — for every i ≥ 1, or for the targets of `windows` only, so
 * that they are scored on exactly the characters the model is scored on.
 *
 * unigram: p(c) = (n(c) + 1) / (N + V); bigram: p(b | a) = (n(a, b) + 1) / (n(a, ·) + V), where
 * n(a, ·) counts the training bigrams that start with a.
 *
 * @param train - Token ids of the training split, each in [0, vocabSize).
 * @param val - Token ids of the validation split (at least 2).
 * @param vocabSize - Number of symbols V.
 * @param windows - Runs of predictions to score (window w predicts `val[w.start + 1 … w.start + w.length]`);
 *   default every i ≥ 1.
 * @returns Mean negative log-likelihoods in nats per predicted character.
 */
export function ngramBaselines(
  train: Int32Array,
  val: Int32Array,
  vocabSize: number,
  windows: readonly Window[] = [{ start: 0, length: Math.max(0, val.length - 1) }],
): NgramBaselines {
  const V = vocabSize;
  const unigramCounts = new Float64Array(V);
  const bigramCounts = new Float64Array(V * V);
  const rowTotals = new Float64Array(V);
  for (let i = 0; i < train.length; i++) {
    unigramCounts[train[i]!]! += 1;
    if (i > 0) {
      bigramCounts[train[i - 1]! * V + train[i]!]! += 1;
      rowTotals[train[i - 1]!]! += 1;
    }
  }
  let unigram = 0;
  let bigram = 0;
  let count = 0;
  for (const { start, length } of windows) {
    for (let i = start + 1; i <= start + length; i++) {
      const a = val[i - 1]!;
      const b = val[i]!;
      unigram -= Math.log((unigramCounts[b]! + 1) / (train.length + V));
      bigram -= Math.log((bigramCounts[a * V + b]! + 1) / (rowTotals[a]! + V));
      count++;
    }
  }
  return { unigram: unigram / count, bigram: bigram / count, count };
}
