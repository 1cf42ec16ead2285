import { InvalidArgumentError } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { alibiSlopes } from './alibi-slopes.js';

describe('alibiSlopes', () => {
  it('gives 1/2, 1/4, …, 1/256 for 8 heads (the paper)', () => {
    const expected = [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625];
    expectClose(flat(alibiSlopes(8)), expected, { atol: 0, rtol: 0 });
  });

  it('gives 2^−0.5, 2^−1, …, 2^−8 for 16 heads', () => {
    const expected = Array.from({ length: 16 }, (_, h) => 2 ** (-(h + 1) / 2));
    expectClose(flat(alibiSlopes(16, { dtype: 'float64' })), expected, { atol: 1e-16, rtol: 0 });
  });

  it('interpolates 6 heads as the 4-head slopes plus every other 8-head slope', () => {
    const expected = [0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125];
    expectClose(flat(alibiSlopes(6)), expected, { atol: 0, rtol: 0 });
  });

  it('interpolates 12 heads as the 8-head slopes plus 2^−0.5, 2^−1.5, 2^−2.5, 2^−3.5', () => {
    const expected = [
      ...Array.from({ length: 8 }, (_, h) => 2 ** -(h + 1)),
      2 ** -0.5,
      2 ** -1.5,
      2 ** -2.5,
      2 ** -3.5,
    ];
    expectClose(flat(alibiSlopes(12, { dtype: 'float64' })), expected, { atol: 1e-16, rtol: 0 });
  });

  it('gives 2^−8 for one head', () => {
    expectClose(flat(alibiSlopes(1)), [0.00390625], { atol: 0, rtol: 0 });
  });

  it('gives distinct slopes in (0, 1) that start with those of the largest power of 2 below', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), (n) => {
        const slopes = flat(alibiSlopes(n, { dtype: 'float64' }));
        expect(slopes.length).toBe(n);
        expect(new Set(slopes).size).toBe(n);
        for (const m of slopes) expect(m > 0 && m < 1).toBe(true);
        const p = 2 ** Math.floor(Math.log2(n));
        expectClose(slopes.slice(0, p), flat(alibiSlopes(p, { dtype: 'float64' })), { atol: 0, rtol: 0 });
        // A power of 2 is a geometric sequence with ratio 2^(−8/n) that ends at 2^−8.
        if (p === n) expect(slopes[n - 1]).toBeCloseTo(2 ** -8, 15);
      }),
    );
  });

  it('throws InvalidArgumentError when numHeads is not an integer ≥ 1', () => {
    expect(() => alibiSlopes(0)).toThrow(/numHeads must be an integer ≥ 1; got 0/);
    expect(() => alibiSlopes(2.5)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a non-floating dtype', () => {
    // @ts-expect-error: int32 is not a slope dtype.
    expect(() => alibiSlopes(4, { dtype: 'int32' })).toThrow(InvalidArgumentError);
  });
});
