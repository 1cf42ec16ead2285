import { InvalidArgumentError } from '@attnkit/tensor';
import { checkInteger } from './internal/check.js';

/**
 * BLEU as D2L computes it: exp(min(0, 1 − len_label / len_pred)) · ∏_{n=1..k} p_n^(1/2^n), with
 * p_n the clipped n-gram precision of the prediction against one reference.
 *
 * Shapes: predSeq (n tokens), labelSeq (m tokens) -> number in [0, 1]
 *
 * @param predSeq - Predicted tokens.
 * @param labelSeq - Reference tokens.
 * @param k - Longest n-gram (D2L uses 2 for fra-eng); an integer ≥ 1.
 * @returns 1 for an exact match; 0 for an empty prediction or one shorter than k.
 * @throws {@link InvalidArgumentError} if `k` is not an integer ≥ 1.
 * @remarks D2L's weights 1/2^n favour long matches; D2L divides by `len_pred − n + 1`, which is ≤ 0
 *   for n > len_pred: such a term is taken as precision 0 here (D2L would divide by zero).
 * @see D2L §10.7.6 "Evaluation of Predicted Sequences"; Papineni et al. 2002.
 * @example
 * ```ts
 * bleu(['il', 'est', 'mouillé', '.'], ['il', 'est', 'calme', '.'], 2); // 0.658, as D2L §10.7.6
 * bleu(['a', 'b', 'c'], ['a', 'b', 'c'], 2); // 1
 * ```
 */
export function bleu<T>(predSeq: readonly T[], labelSeq: readonly T[], k: number): number {
  const op = 'bleu';
  if (!Array.isArray(predSeq) || !Array.isArray(labelSeq)) {
    throw new InvalidArgumentError(`${op}: predSeq and labelSeq must be arrays of tokens.`);
  }
  checkInteger(op, 'k', k, 1);
  const lenPred = predSeq.length;
  const lenLabel = labelSeq.length;
  if (lenPred === 0) return 0;
  let score = Math.exp(Math.min(0, 1 - lenLabel / lenPred));
  for (let n = 1; n <= k; n++) {
    const total = lenPred - n + 1;
    if (total <= 0) return 0;
    const subs = new Map<string, number>();
    const key = (seq: readonly T[], i: number): string => JSON.stringify(seq.slice(i, i + n));
    for (let i = 0; i <= lenLabel - n; i++) {
      const g = key(labelSeq, i);
      subs.set(g, (subs.get(g) ?? 0) + 1);
    }
    let matches = 0;
    for (let i = 0; i <= lenPred - n; i++) {
      const g = key(predSeq, i);
      const c = subs.get(g) ?? 0;
      if (c > 0) {
        matches++;
        subs.set(g, c - 1);
      }
    }
    score *= (matches / total) ** (0.5 ** n);
  }
  return score;
}
