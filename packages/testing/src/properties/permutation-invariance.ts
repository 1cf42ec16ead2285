import { checkOptions, formatShape, indexSelect, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import {
  type AttentionInputs,
  type AttentionInputsConstraints,
  attentionInputs,
} from '../attention-inputs.js';
import { unravel } from '../internal/unravel.js';
import type { AttentionImpl } from './attention-impl.js';

/** Constraints of {@link permutationInvariance}: the generated inputs, the options and the tolerance. */
export interface PermutationInvarianceConstraints<O = undefined>
  extends Omit<AttentionInputsConstraints, 'requiresGrad'> {
  /** Passed unchanged as the implementation's fourth argument (e.g. `{ scale: 0.5 }`). */
  options?: O;
  /** Largest allowed |difference| between the two outputs; default 1e-5 (float32 sums reordered). */
  atol?: number;
}

/** One case of {@link permutationInvariance}: inputs and a permutation of the key-value pairs. */
export interface PermutationInvarianceCase {
  /** Queries, keys and values. */
  inputs: AttentionInputs;
  /** `permutation[j]` is the key-value pair placed at position j. */
  permutation: number[];
}

/**
 * A property: attention pooling is invariant to the order of the key-value pairs. Permuting keys
 * and values jointly along the keys axis must leave `impl`'s output unchanged.
 *
 * Shapes: queries (batch, queries, d), keys (batch, keys, d), values (batch, keys, v) -> impl(...) any shape
 *
 * @param impl - The attention under test, without positional masks or biases (those are not
 *   invariant); called with `options` as its fourth argument.
 * @param constraints - Sizes, dtype and element bounds as in {@link attentionInputs}, the `options`
 *   passed to `impl`, and `atol`.
 * @returns A fast-check property over `{ inputs, permutation }`, for `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if a size or `maxSide` is invalid or the element bounds are
 *   invalid (see {@link attentionInputs}).
 * @remarks Only the order of the summands changes, so outputs agree to rounding; the default
 *   `atol` allows float32 reassociation for elements in [-1, 1].
 * @see D2L §11.1 "Queries, Keys, and Values" (attention pooling over a set); Lee et al. 2019,
 *   "Set Transformer", §2 (permutation invariance of pooling).
 * @example
 * ```ts
 * fc.assert(permutationInvariance((q, k, v) => scaledDotProductAttention(q, k, v).output));
 * ```
 */
export function permutationInvariance<O = undefined>(
  impl: AttentionImpl<O>,
  constraints: PermutationInvarianceConstraints<O> = {},
): fc.IProperty<[PermutationInvarianceCase]> {
  checkOptions(
    'permutationInvariance',
    constraints,
    {
      batch: 'number',
      queries: 'number',
      keys: 'number',
      d: 'number',
      v: 'number',
      maxSide: 'number',
      dtype: 'string',
      min: 'number',
      max: 'number',
      options: 'any',
      atol: 'number',
    },
    { argument: 'constraints' },
  );
  const op = 'permutationInvariance';
  const { options, atol = 1e-5, ...inputConstraints } = constraints;
  const cases = attentionInputs(inputConstraints).chain((inputs) => {
    const keys = inputs.keys.shape[1]!;
    const order = Array.from({ length: keys }, (_, j) => j);
    return fc.record({
      inputs: fc.constant(inputs),
      permutation: fc.shuffledSubarray(order, { minLength: keys, maxLength: keys }),
    });
  });
  return fc.property(cases, ({ inputs, permutation }) => {
    const index = tensor(permutation, { dtype: 'int32' });
    const { queries, keys, values } = inputs;
    const before = impl(queries, keys, values, options as O);
    const after = impl(queries, indexSelect(keys, 1, index), indexSelect(values, 1, index), options as O);
    if (formatShape(after.shape) !== formatShape(before.shape)) {
      throw new Error(
        `${op}: output shape must not depend on the order of the key-value pairs; got ${formatShape(before.shape)} and ${formatShape(after.shape)}.`,
      );
    }
    const a = before.toTypedArray();
    const b = after.toTypedArray();
    for (let i = 0; i < a.length; i++) {
      const diff = Math.abs(a[i]! - b[i]!);
      if (!(diff <= atol) && !(a[i] === b[i])) {
        throw new Error(
          `${op}: output must not change when the key-value pairs are permuted by [${permutation.join(', ')}]; ` +
            `at index ${formatShape(unravel(i, before.shape))} got ${a[i]} before and ${b[i]} after (atol ${atol}).`,
        );
      }
    }
  });
}
