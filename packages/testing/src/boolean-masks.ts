import { checkOptions, type Tensor } from '@attnkit/tensor';
import type fc from 'fast-check';
import { tensors } from './tensors.js';

/** Constraints of {@link booleanMasks}. */
export interface BooleanMasksConstraints {
  /** A fixed shape or an arbitrary of shapes (for example {@link shapes}`()`). */
  shape: readonly number[] | fc.Arbitrary<readonly number[]>;
}

/**
 * Boolean masks: `bool` tensors of a given or drawn shape, any mix of true and false.
 *
 * Shapes: shape (fixed or drawn) -> mask of that shape, dtype bool
 *
 * @param constraints - The mask's `shape`.
 * @returns An arbitrary of `bool` tensors that shrinks toward smaller shapes and all-false.
 * @throws {@link InvalidArgumentError} if a fixed `shape` has negative or non-integer extents.
 * @remarks The arbitrary knows nothing of polarity: whether true means "keep" or "mask out" is the
 *   caller's convention (`maskedFill` masks where true).
 * @example
 * ```ts
 * const x = zeros([2, 3]);
 * fc.assert(fc.property(booleanMasks({ shape: [2, 3] }), (mask) => maskedFill(x, mask, 0).numel() === 6));
 * ```
 */
export function booleanMasks(constraints: BooleanMasksConstraints): fc.Arbitrary<Tensor> {
  checkOptions('booleanMasks', constraints, { shape: 'any' }, { argument: 'constraints' });
  return tensors({ shape: constraints.shape, dtype: 'bool' });
}
