import { InvalidArgumentError, matmul, narrow } from '@attnkit/tensor';
import { expectClose, relativePositionByRotation } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, sinusoidRow } from '../test/helpers.js';
import { relativeRotation } from './relative-rotation.js';
import { sinusoidalEncoding } from './sinusoidal-encoding.js';

/** Row vector times matrix by explicit loops. */
function rowTimes(row: readonly number[], m: readonly number[], d: number): number[] {
  return Array.from({ length: d }, (_, c) => row.reduce((s, v, k) => s + v * m[k * d + c]!, 0));
}

describe('relativeRotation', () => {
  it('is the 2×2 rotation [[cos δ, −sin δ], [sin δ, cos δ]] for d = 2', () => {
    const c = Math.cos(3);
    const s = Math.sin(3);
    expectClose(flat(relativeRotation(3, 2, { dtype: 'float64' })), [c, -s, s, c], { atol: 1e-16, rtol: 0 });
  });

  it('is block diagonal with frequency ω_j = 1/10000^(2j/d) in block j', () => {
    const M = flat(relativeRotation(5, 4, { dtype: 'float64' }));
    const c = Math.cos(0.05); // ω_1 = 0.01
    const s = Math.sin(0.05);
    expectClose([M[10]!, M[11]!, M[14]!, M[15]!], [c, -s, s, c], { atol: 1e-16, rtol: 0 });
    expectClose([M[2]!, M[3]!, M[8]!, M[9]!, M[12]!, M[13]!], [0, 0, 0, 0, 0, 0], { atol: 0, rtol: 0 });
  });

  it('is the identity for δ = 0', () => {
    expectClose(flat(relativeRotation(0, 4)), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], {
      atol: 0,
      rtol: 0,
    });
  });

  it('maps row P[i] to P[i + δ] as a row vector (P[i]·M), not as a column (M·P[i]ᵀ, D2L notation)', () => {
    const d = 8;
    const M = flat(relativeRotation(7, d, { dtype: 'float64' }));
    const row = sinusoidRow(20, d);
    expectClose(rowTimes(row, M, d), sinusoidRow(27, d), { atol: 1e-12, rtol: 0 });
    // M·P[i]ᵀ (D2L's column form applied to our matrix) goes the other way: P[i − δ].
    const column = Array.from({ length: d }, (_, r) => row.reduce((s, v, k) => s + M[r * d + k]! * v, 0));
    expectClose(column, sinusoidRow(13, d), { atol: 1e-12, rtol: 0 });
  });

  it('shifts the whole float32 table with one matmul', () => {
    const P = sinusoidalEncoding(40, 16);
    const shifted = flat(matmul(narrow(P, 0, 0, 30), relativeRotation(10, 16)));
    expectClose(shifted, flat(narrow(P, 0, 10, 30)), { atol: 2e-6, rtol: 0 });
  });

  it('satisfies P[i + δ] = P[i]·M(δ) for every i and δ (relativePositionByRotation)', () => {
    fc.assert(relativePositionByRotation(sinusoidalEncoding, relativeRotation));
    const f64 = { dtype: 'float64' } as const;
    fc.assert(
      relativePositionByRotation(
        (n, d) => sinusoidalEncoding(n, d, f64),
        (delta, d) => relativeRotation(delta, d, f64),
        { maxLen: 1000, atol: 1e-12 },
      ),
    );
  });

  it('is orthogonal with M(δ)ᵀ = M(−δ)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 3 }), (delta, pairs) => {
        const d = 2 * pairs;
        const M = flat(relativeRotation(delta, d, { dtype: 'float64' }));
        const inverse = flat(relativeRotation(-delta, d, { dtype: 'float64' }));
        const transposed = M.map((_, k) => M[(k % d) * d + Math.floor(k / d)]!);
        expectClose(transposed, inverse, { atol: 1e-15, rtol: 0 });
      }),
    );
  });

  it('throws InvalidArgumentError for an odd numHiddens (no cos partner for the last column)', () => {
    expect(() => relativeRotation(1, 5)).toThrow(/numHiddens must be an even integer ≥ 2; got 5/);
    expect(() => relativeRotation(1, 0)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when delta is not a finite number', () => {
    expect(() => relativeRotation(Number.NaN, 4)).toThrow(/delta must be a finite number/);
  });

  it('throws InvalidArgumentError for a non-floating dtype', () => {
    // @ts-expect-error: bool is not a table dtype.
    expect(() => relativeRotation(1, 4, { dtype: 'bool' })).toThrow(InvalidArgumentError);
  });
});
