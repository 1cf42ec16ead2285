import { InvalidArgumentError } from '@attnkit/tensor';
import { describe } from './internal/check.js';

/**
 * Levenshtein distance: the fewest insertions, deletions and substitutions of single tokens that
 * turn `hypothesis` into `reference`.
 *
 * Shapes: hypothesis (n), reference (m) -> number in [|n − m|, max(n, m)]
 *
 * @param hypothesis - Predicted tokens (e.g. phonemes), compared with `===`.
 * @param reference - Reference tokens.
 * @returns The edit distance (an integer ≥ 0).
 * @throws {@link InvalidArgumentError} if either argument is not an array (or string).
 * @remarks O(n·m) time, O(m) memory (one row of the dynamic-programming table).
 * @see Levenshtein 1966; the alignment behind phoneme and word error rates (PER, WER).
 * @example
 * ```ts
 * editDistance(['K', 'AE', 'T'], ['K', 'AA', 'T', 'S']); // 2
 * ```
 */
export function editDistance<T>(hypothesis: ArrayLike<T>, reference: ArrayLike<T>): number {
  for (const [name, v] of [
    ['hypothesis', hypothesis],
    ['reference', reference],
  ] as const) {
    if (typeof v !== 'string' && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      throw new InvalidArgumentError(`editDistance: ${name} must be an array; got ${describe(v)}.`);
    }
  }
  const n = hypothesis.length;
  const m = reference.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let row = new Int32Array(m + 1);
  let next = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= n; i++) {
    next[0] = i;
    const h = hypothesis[i - 1];
    for (let j = 1; j <= m; j++) {
      const substitute = row[j - 1]! + (h === reference[j - 1] ? 0 : 1);
      next[j] = Math.min(substitute, row[j]! + 1, next[j - 1]! + 1);
    }
    [row, next] = [next, row];
  }
  return row[m]!;
}
