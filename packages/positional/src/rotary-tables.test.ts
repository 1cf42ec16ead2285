import { InvalidArgumentError } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { rotaryTables } from './rotary-tables.js';

describe('rotaryTables', () => {
  it('returns cos and sin of m·θ_j with θ_j = 10000^(−2j/r), shape (maxPos, r/2)', () => {
    // r = 4: θ = [1, 0.01].
    const { cos, sin } = rotaryTables(3, 4, { dtype: 'float64' });
    expect(cos.shape).toEqual([3, 2]);
    expect(sin.shape).toEqual([3, 2]);
    const c = [1, 1, Math.cos(1), Math.cos(0.01), Math.cos(2), Math.cos(0.02)];
    const s = [0, 0, Math.sin(1), Math.sin(0.01), Math.sin(2), Math.sin(0.02)];
    expectClose(flat(cos), c, { atol: 1e-16, rtol: 0 });
    expectClose(flat(sin), s, { atol: 1e-16, rtol: 0 });
  });

  it('uses the given base', () => {
    // base 100, r = 4: θ_1 = 100^(−1/2) = 0.1.
    const { sin } = rotaryTables(6, 4, { base: 100, dtype: 'float64' });
    expect(flat(sin)[5 * 2 + 1]).toBeCloseTo(Math.sin(0.5), 15);
  });

  it('stores float32 by default, within 6e-8 of the float64 values at far positions', () => {
    const f32 = rotaryTables(4096, 8);
    const f64 = rotaryTables(4096, 8, { dtype: 'float64' });
    expect(f32.cos.dtype).toBe('float32');
    expectClose(flat(f32.cos), flat(f64.cos), { atol: 6e-8, rtol: 0 });
    expectClose(flat(f32.sin), flat(f64.sin), { atol: 6e-8, rtol: 0 });
  });

  it('gives points on the unit circle at the exact angles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5000 }), (pairs, m) => {
        const r = 2 * pairs;
        const { cos, sin } = rotaryTables(m + 1, r, { dtype: 'float64' });
        const c = flat(cos).slice(m * pairs);
        const s = flat(sin).slice(m * pairs);
        for (let j = 0; j < pairs; j++) {
          const angle = m / 10000 ** ((2 * j) / r);
          expect(c[j]).toBeCloseTo(Math.cos(angle), 12);
          expect(s[j]).toBeCloseTo(Math.sin(angle), 12);
        }
      }),
    );
  });

  it('throws InvalidArgumentError for an odd or non-positive rotaryDim', () => {
    expect(() => rotaryTables(4, 3)).toThrow(/rotaryDim must be an even integer ≥ 2; got 3/);
    expect(() => rotaryTables(4, 0)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a negative maxPos', () => {
    expect(() => rotaryTables(-1, 4)).toThrow(/maxPos must be an integer ≥ 0/);
  });

  it('throws InvalidArgumentError for a base that is not a finite number > 0', () => {
    expect(() => rotaryTables(4, 4, { base: 0 })).toThrow(/base must be a finite number > 0; got 0/);
    expect(() => rotaryTables(4, 4, { base: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a non-floating dtype', () => {
    // @ts-expect-error: int32 is not a table dtype.
    expect(() => rotaryTables(4, 4, { dtype: 'int32' })).toThrow(InvalidArgumentError);
  });
});
