import { checkOptions } from '@attnkit/tensor';
import fc from 'fast-check';
import { resolveShapesConstraints } from './internal/validate.js';

/** Constraints of {@link shapes} (Hypothesis `array_shapes`). */
export interface ShapesConstraints {
  /** Fewest axes; default 0 (scalars included). */
  minRank?: number;
  /** Most axes; default 4, or `minRank` when that is larger. */
  maxRank?: number;
  /** Smallest extent of an axis; default 1 (use 0 to include empty tensors). */
  minSide?: number;
  /** Largest extent of an axis; default 6, or `minSide` when that is larger. */
  maxSide?: number;
}

/**
 * Tensor shapes: arrays of `minRank`…`maxRank` extents, each in [`minSide`, `maxSide`].
 *
 * Shapes: -> (d0, …, d_{rank-1}) with minRank ≤ rank ≤ maxRank, minSide ≤ di ≤ maxSide
 *
 * @param constraints - Rank and extent bounds; all optional.
 * @returns An arbitrary of shapes that shrinks toward fewer axes and toward `minSide`.
 * @throws {@link InvalidArgumentError} if a bound is not a non-negative integer, or `minRank > maxRank`,
 *   or `minSide > maxSide`.
 * @remarks The defaults keep shapes small (≤ 6⁴ elements) so shrunk counterexamples are readable.
 * @see Hypothesis `hypothesis.extra.numpy.array_shapes`.
 * @example
 * ```ts
 * fc.assert(fc.property(shapes({ minRank: 1 }), (shape) => zeros(shape).ndim === shape.length));
 * ```
 */
export function shapes(constraints: ShapesConstraints = {}): fc.Arbitrary<number[]> {
  checkOptions(
    'shapes',
    constraints,
    { minRank: 'number', maxRank: 'number', minSide: 'number', maxSide: 'number' },
    { argument: 'constraints' },
  );
  const { minRank, maxRank, minSide, maxSide } = resolveShapesConstraints('shapes', constraints);
  return fc.array(fc.integer({ min: minSide, max: maxSide }), { minLength: minRank, maxLength: maxRank });
}
