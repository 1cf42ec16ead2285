import { checkOptions, InvalidArgumentError } from '@attnkit/tensor';
import { checkUnitInterval, describe } from './internal/check.js';

/** Options of {@link trainValSplit}. */
export interface TrainValSplitOptions {
  /** Fraction of the tokens held out at the end, in [0, 1); default 0.1. */
  valFraction?: number;
}

/**
 * Splits a token sequence into a training part and a held-out validation part at the end
 * (no shuffling, so validation text is unseen contiguous text, as in nanoGPT).
 *
 * Shapes: tokens (n) -> train (n − k), val (k) with k = round(n · valFraction)
 *
 * @param tokens - The encoded corpus.
 * @param options - `valFraction` (default 0.1).
 * @returns Copies `{ train, val }`; `val` is the last k tokens.
 * @throws {@link InvalidArgumentError} if `tokens` is not an Int32Array or `valFraction` lies outside [0, 1).
 * @remarks k is rounded to the nearest integer, so 0.1 of 10 tokens is exactly 1 (floor would give
 *   0 for 0.29·100 = 28.999…).
 * @see Karpathy, nanoGPT `prepare.py` (`n = int(0.9 * len(data))`).
 * @example
 * ```ts
 * const { train, val } = trainValSplit(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])); // 9 and 1 tokens
 * ```
 */
export function trainValSplit(
  tokens: Int32Array,
  options: TrainValSplitOptions = {},
): { train: Int32Array; val: Int32Array } {
  const op = 'trainValSplit';
  checkOptions(
    op,
    options,
    { valFraction: 'number' },
    { usage: 'trainValSplit(tokens, { valFraction: 0.1 })' },
  );
  if (!(tokens instanceof Int32Array)) {
    throw new InvalidArgumentError(`${op}: tokens must be an Int32Array; got ${describe(tokens)}.`);
  }
  const fraction = checkUnitInterval(op, 'valFraction', options.valFraction ?? 0.1);
  const k = Math.round(tokens.length * fraction);
  const cut = tokens.length - k;
  return { train: tokens.slice(0, cut), val: tokens.slice(cut) };
}
