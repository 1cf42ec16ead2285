import { checkOptions, formatShape, InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { formatNumber } from '../internal/format-number.js';

/** Constraints of {@link relativePositionByRotation}: table size, encoding sizes and tolerance. */
export interface RelativePositionByRotationConstraints {
  /** Number of positions of the table; positions i and i + δ lie in [0, maxLen). Default 64. */
  maxLen?: number;
  /** Largest number of column pairs; numHiddens = 2·pairs with pairs in [1, maxPairs]. Default 3. */
  maxPairs?: number;
  /** Absolute tolerance of each entry of P[i + δ] − P[i]·M(δ); default 1e-5. */
  atol?: number;
}

/**
 * A property: for any even encoding size d, shift δ and two positions i₁, i₂, the rows of
 * `encoding(maxLen, d)` satisfy P[i + δ] = P[i]·M(δ) for both positions, with one matrix
 * M(δ) = `rotation(δ, d)` that does not depend on i (D2L's "relative positional information").
 *
 * Shapes: encoding(maxLen, d) (maxLen, d), rotation(δ, d) (d, d); d even
 *
 * @param encoding - The table under test, e.g. `sinusoidalEncoding`; row i encodes position i.
 * @param rotation - The shift matrix under test, e.g. `relativeRotation`, applied to row vectors.
 * @param constraints - `maxLen`, `maxPairs`, `atol`.
 * @returns A fast-check property over `[pairs, δ, i₁, i₂]`, to run with `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if `maxLen` is not an integer ≥ 1, `maxPairs` is not an
 *   integer ≥ 1, or `atol` is negative.
 * @remarks δ ranges over [−(maxLen − 1), maxLen − 1] and both positions over those with i + δ in
 *   range, so negative shifts are checked too. Products are accumulated in float64 from the
 *   returned values, so the tolerance covers only the implementations' own rounding. A matrix
 *   built for column vectors (D2L's notation) is the transpose, shifts by −δ, and fails.
 * @see D2L §11.6.3.2 "Relative Positional Information"; Vaswani et al. 2017, §3.5.
 * @example
 * ```ts
 * fc.assert(relativePositionByRotation(sinusoidalEncoding, relativeRotation));
 * ```
 */
export function relativePositionByRotation(
  encoding: (maxLen: number, numHiddens: number) => Tensor,
  rotation: (delta: number, numHiddens: number) => Tensor,
  constraints: RelativePositionByRotationConstraints = {},
): fc.IProperty<[[number, number, number, number]]> {
  checkOptions(
    'relativePositionByRotation',
    constraints,
    { maxLen: 'number', maxPairs: 'number', atol: 'number' },
    { argument: 'constraints' },
  );
  const op = 'relativePositionByRotation';
  const { maxLen = 64, maxPairs = 3, atol = 1e-5 } = constraints;
  for (const [name, value] of [
    ['maxLen', maxLen],
    ['maxPairs', maxPairs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new InvalidArgumentError(`${op}: ${name} must be an integer ≥ 1; got ${value}.`);
    }
  }
  if (!(atol >= 0)) throw new InvalidArgumentError(`${op}: atol must be ≥ 0; got ${atol}.`);
  const inputs = fc
    .tuple(fc.integer({ min: 1, max: maxPairs }), fc.integer({ min: -(maxLen - 1), max: maxLen - 1 }))
    .chain(([pairs, delta]) => {
      // Positions i with 0 ≤ i < maxLen and 0 ≤ i + δ < maxLen: a constraint, not a filter.
      const position = fc.integer({
        min: Math.max(0, -delta),
        max: Math.min(maxLen - 1, maxLen - 1 - delta),
      });
      return fc.tuple(fc.constant(pairs), fc.constant(delta), position, position);
    });
  return fc.property(inputs, ([pairs, delta, i1, i2]) => {
    const d = 2 * pairs;
    const P = encoding(maxLen, d);
    const M = rotation(delta, d);
    expectShape(op, 'encoding', P, [maxLen, d]);
    expectShape(op, 'rotation', M, [d, d]);
    const p = P.toTypedArray();
    const m = M.toTypedArray();
    for (const i of [i1, i2]) {
      for (let c = 0; c < d; c++) {
        let shifted = 0;
        for (let k = 0; k < d; k++) shifted += p[i * d + k]! * m[k * d + c]!; // (P[i]·M)[c]
        const expected = p[(i + delta) * d + c]!;
        if (!(Math.abs(shifted - expected) <= atol)) {
          throw new Error(
            `${op}: P[i + δ] must equal P[i]·M(δ) within ${formatNumber(atol)} for every i; at d = ${d}, ` +
              `i = ${i}, δ = ${delta}, column ${c}: P[i]·M(δ) = ${shifted}, P[i + δ] = ${expected}.`,
          );
        }
      }
    }
  });
}

function expectShape(op: string, name: string, t: Tensor, shape: readonly number[]): void {
  if (formatShape(t.shape) !== formatShape(shape)) {
    throw new Error(`${op}: ${name} must return shape ${formatShape(shape)}; got ${formatShape(t.shape)}.`);
  }
}
