import { checkOptions, formatShape, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { elements } from '../internal/elements.js';
import { formatNumber } from '../internal/format-number.js';
import { unravel } from '../internal/unravel.js';
import { resolveShapesConstraints } from '../internal/validate.js';
import { type ShapesConstraints, shapes } from '../shapes.js';
import { tensors } from '../tensors.js';

/** Constraints of {@link softmaxRowsSumToOne}: the generated inputs and the tolerance. */
export interface SoftmaxRowsSumToOneConstraints extends ShapesConstraints {
  /** Element type of the inputs; default `float32`. */
  dtype?: 'float32' | 'float64';
  /** Smallest logit; default -100. */
  min?: number;
  /** Largest logit; default 100. */
  max?: number;
  /** Absolute tolerance of each row sum; default 1e-5. */
  atol?: number;
}

/**
 * A property: for any logits `x`, `softmaxImpl(x)` has `x`'s shape, values in [0, 1], and every
 * row (last axis) sums to 1.
 *
 * Shapes: x (..., n) -> softmaxImpl(x) (..., n), rank ≥ 1
 *
 * @param softmaxImpl - The implementation under test, softmax over the last axis.
 * @param constraints - Input shapes (minRank defaults to 1), dtype, logit bounds and `atol`.
 * @returns A fast-check property to run with `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if the shape or logit bounds are invalid (see {@link shapes}, {@link tensors}).
 * @remarks Logits default to [-100, 100]: exp(100) overflows float32, so an implementation that
 *   does not subtract the row maximum first returns NaN and fails.
 * @see D2L §4.1 "Softmax Regression"; Goodfellow et al. 2016, §4.1 (overflow and underflow).
 * @example
 * ```ts
 * fc.assert(softmaxRowsSumToOne((x) => softmax(x)));
 * ```
 */
export function softmaxRowsSumToOne(
  softmaxImpl: (x: Tensor) => Tensor,
  constraints: SoftmaxRowsSumToOneConstraints = {},
): fc.IProperty<[Tensor]> {
  checkOptions(
    'softmaxRowsSumToOne',
    constraints,
    {
      minRank: 'number',
      maxRank: 'number',
      minSide: 'number',
      maxSide: 'number',
      dtype: 'string',
      min: 'number',
      max: 'number',
      atol: 'number',
    },
    { argument: 'constraints' },
  );
  const op = 'softmaxRowsSumToOne';
  const { dtype = 'float32', min = -100, max = 100, atol = 1e-5 } = constraints;
  const shape = resolveShapesConstraints(op, {
    ...constraints,
    minRank: Math.max(1, constraints.minRank ?? 1),
  });
  elements(op, dtype, min, max); // validates the bounds now, naming this property
  return fc.property(tensors({ shape: shapes(shape), dtype, min, max }), (x) => {
    const y = softmaxImpl(x);
    if (formatShape(y.shape) !== formatShape(x.shape)) {
      throw new Error(`${op}: output must have shape ${formatShape(x.shape)}; got ${formatShape(y.shape)}.`);
    }
    const values = y.toTypedArray();
    const n = x.shape[x.ndim - 1]!;
    const sums = new Float64Array(n === 0 ? 0 : values.length / n);
    for (let i = 0; i < values.length; i++) {
      const p = values[i]!;
      if (!(p >= 0 && p <= 1)) {
        throw new Error(
          `${op}: every value must lie in [0, 1]; got ${p} at index ${formatShape(unravel(i, x.shape))}.`,
        );
      }
      const row = Math.floor(i / n);
      sums[row] = sums[row]! + p;
    }
    for (let row = 0; row < sums.length; row++) {
      const total = sums[row]!;
      if (!(Math.abs(total - 1) <= atol)) {
        throw new Error(
          `${op}: every row must sum to 1 within ${formatNumber(atol)}; row ${formatShape(unravel(row, x.shape.slice(0, -1)))} sums to ${total}.`,
        );
      }
    }
  });
}
