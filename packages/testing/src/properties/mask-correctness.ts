import { checkOptions, formatShape, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { unravel } from '../internal/unravel.js';
import { resolveShapesConstraints } from '../internal/validate.js';
import { type ShapesConstraints, shapes } from '../shapes.js';
import { tensors } from '../tensors.js';

/** Constraints of {@link maskCorrectness}: the generated inputs, the row policy and the tolerance. */
export interface MaskCorrectnessConstraints extends ShapesConstraints {
  /** Element type of the scores; default `float32`. */
  dtype?: 'float32' | 'float64';
  /** Smallest score; default -100. */
  min?: number;
  /** Largest score; default 100. */
  max?: number;
  /** Absolute tolerance of each visible row's sum; default 1e-5. */
  atol?: number;
  /**
   * Also generate rows with no visible key, which must then come out all zero (attnkit's
   * `maskedSoftmax(x, { mask })` policy). Default false: every row keeps at least one key, so
   * implementations with another policy for empty rows (D2L's uniform rows) are not judged on it.
   */
  fullyMaskedRows?: boolean;
}

/**
 * A property: for any scores and boolean mask of the same shape (`true` = may attend, the PyTorch
 * `scaled_dot_product_attention` convention), `impl(scores, keepMask)` has the scores' shape, gives
 * exactly 0 to every masked entry, and every row (last axis) with a visible key sums to 1.
 *
 * Shapes: scores (..., keys), keepMask (..., keys) -> impl(scores, keepMask) (..., keys), rank ≥ 1
 *
 * @param impl - The masked softmax under test; `keepMask` is a bool tensor, `true` = may attend.
 * @param constraints - Shapes (minRank defaults to 1), dtype, score bounds, `atol`, `fullyMaskedRows`.
 * @returns A fast-check property over `[scores, keepMask]`, to run with `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if the shape or score bounds are invalid (see {@link shapes}, {@link tensors}).
 * @remarks Masked weights must be exactly 0, not merely small: an implementation that adds a
 *   finite penalty such as -1e4 leaks weight onto masked keys when scores are large, and fails.
 *   Values are read with `toTypedArray`, so any dtype of output is accepted.
 * @see D2L §11.3 "Attention Scoring Functions" (masked softmax); PyTorch `scaled_dot_product_attention`.
 * @example
 * ```ts
 * fc.assert(maskCorrectness((scores, keep) => maskedSoftmax(scores, { mask: keep })));
 * ```
 */
export function maskCorrectness(
  impl: (scores: Tensor, keepMask: Tensor) => Tensor,
  constraints: MaskCorrectnessConstraints = {},
): fc.IProperty<[[Tensor, Tensor]]> {
  checkOptions(
    'maskCorrectness',
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
      fullyMaskedRows: 'boolean',
    },
    { argument: 'constraints' },
  );
  const op = 'maskCorrectness';
  const { dtype = 'float32', min = -100, max = 100, atol = 1e-5, fullyMaskedRows = false } = constraints;
  const shape = resolveShapesConstraints(op, {
    ...constraints,
    minRank: Math.max(1, constraints.minRank ?? 1),
  });
  const inputs = shapes(shape).chain((s) => {
    const keys = s[s.length - 1]!;
    const size = s.reduce((a, b) => a * b, 1);
    const rows = keys === 0 ? 0 : size / keys;
    // One key per row forced visible (unless fully masked rows are wanted): a constraint, not a filter.
    const forced = fc.array(fc.integer({ min: 0, max: Math.max(0, keys - 1) }), {
      minLength: fullyMaskedRows ? 0 : rows,
      maxLength: fullyMaskedRows ? 0 : rows,
    });
    const bits = fc.array(fc.boolean(), { minLength: size, maxLength: size });
    const mask = fc.tuple(bits, forced).map(([values, visible]) => {
      visible.forEach((j, row) => {
        values[row * keys + j] = true;
      });
      return tensor(values, { shape: s, dtype: 'bool' });
    });
    return fc.tuple(tensors({ shape: s, dtype, min, max }), mask);
  });
  return fc.property(inputs, ([scores, keep]) => {
    const y = impl(scores, keep);
    if (formatShape(y.shape) !== formatShape(scores.shape)) {
      throw new Error(
        `${op}: output must have shape ${formatShape(scores.shape)}; got ${formatShape(y.shape)}.`,
      );
    }
    const values = y.toTypedArray();
    const visible = keep.toTypedArray();
    const keys = scores.shape[scores.ndim - 1]!;
    for (let row = 0; row * keys < values.length; row++) {
      let total = 0;
      let any = false;
      for (let j = row * keys; j < (row + 1) * keys; j++) {
        const p = values[j]!;
        const where = formatShape(unravel(j, scores.shape));
        if (visible[j] === 1) {
          any = true;
          if (!(p >= 0 && p <= 1)) {
            throw new Error(`${op}: every visible weight must lie in [0, 1]; got ${p} at index ${where}.`);
          }
          total += p;
        } else if (p !== 0) {
          throw new Error(`${op}: every masked weight must be exactly 0; got ${p} at index ${where}.`);
        }
      }
      if (any && !(Math.abs(total - 1) <= atol)) {
        const at = formatShape(unravel(row, scores.shape.slice(0, -1)));
        throw new Error(
          `${op}: every row with a visible key must sum to 1 within ${atol}; row ${at} sums to ${total}.`,
        );
      }
    }
  });
}
