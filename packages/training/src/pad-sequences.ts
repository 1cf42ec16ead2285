import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import { checkInteger, describe } from './internal/check.js';

/** Options of {@link padSequences}. */
export interface PadSequencesOptions {
  /** Id written after each sequence's end. */
  padId: number;
  /** Columns of the result (D2L `num_steps`); default the longest sequence. */
  length?: number;
  /**
   * What to do with a sequence longer than `length`: `true` (default, as D2L `truncate_pad`) cuts
   * it; `false` throws.
   */
  truncate?: boolean;
}

/**
 * Pads (and truncates) token sequences to one length, as D2L's `truncate_pad`, and returns their
 * valid lengths.
 *
 * Shapes: sequences (n, varying) -> tokens (n, length) int32, validLens (n) int32
 *
 * @param sequences - Token ids per sequence.
 * @param options - `padId`, `length` (default the longest), `truncate = true`.
 * @returns `tokens` and `validLens` (the kept length of each sequence, ≤ length).
 * @throws {@link InvalidArgumentError} if `sequences` is empty or not an array, `padId` or
 *   `length` is not an integer, an id is not an integer, or a sequence is too long with `truncate: false`.
 * @see D2L §10.5.3 `truncate_pad` (`build_array_nmt`).
 * @example
 * ```ts
 * const { tokens, validLens } = padSequences([[5, 6, 7], [8]], { padId: 0 });
 * tokens.toArray(); // [[5, 6, 7], [8, 0, 0]]
 * validLens.toArray(); // [3, 1]
 * ```
 */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: PadSequencesOptions,
): { tokens: Tensor; validLens: Tensor } {
  const op = 'padSequences';
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw new InvalidArgumentError(`${op}: sequences must be a non-empty array; got ${describe(sequences)}.`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${op}: options must be an object with padId; got ${describe(options)}.`);
  }
  const unknown = Object.keys(options).filter((k) => !['padId', 'length', 'truncate'].includes(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `${op}: unknown options [${unknown.join(', ')}]; expected padId, length, truncate.`,
    );
  }
  const padId = checkInteger(op, 'padId', options.padId, 0);
  const longest = sequences.reduce((m, s) => Math.max(m, s.length), 0);
  const length = options.length === undefined ? longest : checkInteger(op, 'length', options.length, 1);
  const truncate = options.truncate ?? true;
  const n = sequences.length;
  const data = new Int32Array(n * length).fill(padId);
  const lens = new Int32Array(n);
  sequences.forEach((seq, i) => {
    if (seq.length > length && !truncate) {
      throw new InvalidArgumentError(
        `${op}: sequence ${i} has ${seq.length} tokens, more than length ${length} (truncate is false).`,
      );
    }
    const kept = Math.min(seq.length, length);
    for (let j = 0; j < kept; j++) {
      const id = seq[j]!;
      if (!Number.isInteger(id))
        throw new InvalidArgumentError(`${op}: sequence ${i} has a non-integer id ${id} at ${j}.`);
      data[i * length + j] = id;
    }
    lens[i] = kept;
  });
  return {
    tokens: tensor(data, { shape: [n, length], dtype: 'int32' }),
    validLens: tensor(lens, { shape: [n], dtype: 'int32' }),
  };
}
