import { InvalidArgumentError } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, sinusoidRow } from '../test/helpers.js';
import { sinusoidalEncoding } from './sinusoidal-encoding.js';

describe('sinusoidalEncoding', () => {
  it('returns a (maxLen, numHiddens) float32 table', () => {
    const P = sinusoidalEncoding(60, 32);
    expect(P.shape).toEqual([60, 32]);
    expect(P.dtype).toBe('float32');
  });

  it('starts with P[0] = [0, 1, 0, 1, …]', () => {
    expectClose(flat(sinusoidalEncoding(3, 6)).slice(0, 6), [0, 1, 0, 1, 0, 1], { atol: 0, rtol: 0 });
  });

  it('gives sin(i/10000^(2j/d)) at 2j and cos at 2j + 1 (hand-computed, d = 4)', () => {
    // d = 4: ω_0 = 1, ω_1 = 1/10000^(2/4) = 0.01.
    const row2 = flat(sinusoidalEncoding(3, 4, { dtype: 'float64' })).slice(8, 12);
    const expected = [0.9092974268256817, -0.4161468365471424, 0.01999866669333308, 0.9998000066665778];
    expectClose(row2, expected, { atol: 1e-15, rtol: 0 });
  });

  it('ends an odd numHiddens with a sin column', () => {
    const d = 5;
    const P = flat(sinusoidalEncoding(4, d, { dtype: 'float64' }));
    // Column 4 is 2j with j = 2: sin(i / 10000^(4/5)).
    expect(P[3 * d + 4]).toBeCloseTo(Math.sin(3 / 10000 ** 0.8), 15);
    expect(P[3 * d + 3]).toBeCloseTo(Math.cos(3 / 10000 ** 0.4), 15);
  });

  it('returns an empty table for maxLen 0', () => {
    expect(sinusoidalEncoding(0, 8).shape).toEqual([0, 8]);
  });

  it('keeps float32 entries within 1e-7 of the exact values at far positions', () => {
    // D2L's float32 angles are off by up to ~1e-5 here; float64 angles leave only float32 rounding.
    const P = flat(sinusoidalEncoding(5000, 32));
    for (const i of [999, 2500, 4999]) {
      expectClose(P.slice(i * 32, (i + 1) * 32), sinusoidRow(i, 32), { atol: 1e-7, rtol: 0 });
    }
  });

  it('matches the formula for any size, with values in [−1, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 6 }), (maxLen, d) => {
        const P = flat(sinusoidalEncoding(maxLen, d, { dtype: 'float64' }));
        expect(P.length).toBe(maxLen * d);
        for (const v of P) expect(Math.abs(v)).toBeLessThanOrEqual(1);
        for (let i = 0; i < maxLen; i++) {
          expectClose(P.slice(i * d, (i + 1) * d), sinusoidRow(i, d), { atol: 1e-15, rtol: 0 });
        }
      }),
    );
  });

  it('pairs columns as points on the unit circle: P[i,2j]² + P[i,2j+1]² = 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 3 }), (i, pairs) => {
        const d = 2 * pairs;
        const row = flat(sinusoidalEncoding(i + 1, d)).slice(i * d);
        for (let j = 0; j < pairs; j++) expect(row[2 * j]! ** 2 + row[2 * j + 1]! ** 2).toBeCloseTo(1, 6);
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError when maxLen is negative or not an integer', () => {
    expect(() => sinusoidalEncoding(-1, 4)).toThrow(InvalidArgumentError);
    expect(() => sinusoidalEncoding(2.5, 4)).toThrow(/maxLen must be an integer ≥ 0; got 2.5/);
  });

  it('throws InvalidArgumentError when numHiddens is below 1', () => {
    expect(() => sinusoidalEncoding(4, 0)).toThrow(/numHiddens must be an integer ≥ 1; got 0/);
  });

  it('throws InvalidArgumentError for a non-floating dtype', () => {
    // @ts-expect-error: int32 is not a table dtype.
    expect(() => sinusoidalEncoding(4, 4, { dtype: 'int32' })).toThrow(InvalidArgumentError);
  });
});
