import { checkOptions, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { checkInteger, checkOrder } from './internal/validate.js';

/** Constraints of {@link validLens}. */
export interface ValidLensConstraints {
  /** Number of sequences (the `batch` axis). */
  batch: number;
  /** Number of keys each query may attend to; lengths never exceed it. */
  numKeys: number;
  /**
   * Number of queries. When given, lengths are per query with shape `(batch, queries)`;
   * otherwise one length per sequence, shape `(batch)`.
   */
  perQuery?: number;
  /** Smallest length; default 0 (a fully masked row, which D2L's maskedSoftmax makes uniform). */
  minLen?: number;
}

/**
 * Valid lengths for masked attention: int32 counts of the keys each query may attend to.
 *
 * Shapes: -> validLens (batch) | (batch, queries), values in [minLen, numKeys]
 *
 * @param constraints - `batch`, `numKeys`, optional `perQuery` (number of queries) and `minLen`.
 * @returns An arbitrary of int32 tensors that shrinks every length toward `minLen`.
 * @throws {@link InvalidArgumentError} if `batch`, `numKeys`, `perQuery` or `minLen` is not a
 *   non-negative integer, or `minLen > numKeys`.
 * @see D2L §11.3 "Attention Scoring Functions" (`valid_lens` of `masked_softmax`).
 * @example
 * ```ts
 * const scores = rand([2, 4, 4]); // (batch, queries, keys)
 * fc.assert(fc.property(validLens({ batch: 2, numKeys: 4 }), (lens) => maskedSoftmax(scores, lens).numel() === 32));
 * ```
 */
export function validLens(constraints: ValidLensConstraints): fc.Arbitrary<Tensor> {
  checkOptions(
    'validLens',
    constraints,
    { batch: 'number', numKeys: 'number', perQuery: 'number', minLen: 'number' },
    { argument: 'constraints' },
  );
  const batch = checkInteger('validLens', 'batch', constraints.batch);
  const numKeys = checkInteger('validLens', 'numKeys', constraints.numKeys);
  const minLen = checkInteger('validLens', 'minLen', constraints.minLen ?? 0);
  checkOrder('validLens', 'minLen', minLen, 'numKeys', numKeys);
  const shape =
    constraints.perQuery === undefined
      ? [batch]
      : [batch, checkInteger('validLens', 'perQuery', constraints.perQuery)];
  const n = shape.reduce((a, b) => a * b, 1);
  return fc
    .array(fc.integer({ min: minLen, max: numKeys }), { minLength: n, maxLength: n })
    .map((lens) => tensor(lens, { shape, dtype: 'int32' }));
}
