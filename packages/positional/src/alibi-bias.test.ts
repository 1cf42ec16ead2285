import { InvalidArgumentError } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { alibiBias } from './alibi-bias.js';
import { alibiSlopes } from './alibi-slopes.js';

describe('alibiBias', () => {
  it('is −m·(i − j) for square inputs: 0 on the diagonal, −m, −2m, … to the left', () => {
    // 2 heads: slopes 2^−4, 2^−8.
    const bias = alibiBias(2, 3, 3);
    expect(bias.shape).toEqual([2, 3, 3]);
    const m = 1 / 16;
    const head0 = [0, m, 2 * m, -m, 0, m, -2 * m, -m, 0];
    expectClose(flat(bias).slice(0, 9), head0, { atol: 0, rtol: 0 });
    expectClose(
      flat(bias).slice(9),
      head0.map((v) => v / 16),
      { atol: 0, rtol: 0 },
    );
  });

  it('aligns the last query with the last key by default (cached decoding)', () => {
    // One query at absolute position 3 against 4 keys: −m·[3, 2, 1, 0].
    const m = 2 ** -8;
    expectClose(flat(alibiBias(1, 1, 4)), [-3 * m, -2 * m, -m, 0], { atol: 0, rtol: 0 });
  });

  it("gives future keys a positive bias with alignment 'top-left' (mask them causally)", () => {
    const m = 2 ** -8;
    expectClose(flat(alibiBias(1, 1, 4, { alignment: 'top-left' })), [0, m, 2 * m, 3 * m], {
      atol: 0,
      rtol: 0,
    });
  });

  it('returns float64 on request', () => {
    expect(alibiBias(3, 2, 2, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('equals −slope_h·(i + shift − j) for any sizes, in both alignments', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('bottom-right', 'top-left'),
        (h, q, n, alignment) => {
          const slopes = flat(alibiSlopes(h, { dtype: 'float64' }));
          const shift = alignment === 'bottom-right' ? n - q : 0;
          const expected: number[] = [];
          for (let a = 0; a < h; a++) {
            for (let i = 0; i < q; i++)
              for (let j = 0; j < n; j++) expected.push(-slopes[a]! * (i + shift - j));
          }
          const bias = alibiBias(h, q, n, { alignment, dtype: 'float64' });
          expect(bias.shape).toEqual([h, q, n]);
          expectClose(flat(bias), expected, { atol: 1e-15, rtol: 0 });
        },
      ),
    );
  });

  it('depends only on the offset i − j: entry (i + 1, j + 1) equals entry (i, j)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        (h, q, n) => {
          const b = flat(alibiBias(h, q, n));
          for (let a = 0; a < h; a++) {
            for (let i = 0; i + 1 < q; i++) {
              for (let j = 0; j + 1 < n; j++) {
                expect(b[(a * q + i + 1) * n + j + 1]).toBeCloseTo(b[(a * q + i) * n + j]!, 12);
              }
            }
          }
        },
      ),
    );
  });

  it('throws InvalidArgumentError for invalid sizes', () => {
    expect(() => alibiBias(0, 2, 2)).toThrow(/numHeads must be an integer ≥ 1/);
    expect(() => alibiBias(2, -1, 2)).toThrow(/numQueries must be an integer ≥ 0/);
    expect(() => alibiBias(2, 2, 1.5)).toThrow(/numKeys must be an integer ≥ 0/);
  });

  it('throws InvalidArgumentError for an unknown alignment or dtype', () => {
    // @ts-expect-error: 'center' is not an alignment.
    expect(() => alibiBias(2, 2, 2, { alignment: 'center' })).toThrow(
      /alignment must be 'bottom-right' or 'top-left'; got center/,
    );
    // @ts-expect-error: int32 is not a bias dtype.
    expect(() => alibiBias(2, 2, 2, { dtype: 'int32' })).toThrow(InvalidArgumentError);
  });
});
