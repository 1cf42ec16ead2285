import { InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validLens } from './valid-lens.js';

const view = (t: Tensor) => ({ dtype: t.dtype, shape: t.shape, values: t.toArray() });

describe('validLens', () => {
  it('gives one int32 length per sequence, all 0 when there are no keys', () => {
    for (const lens of fc.sample(validLens({ batch: 3, numKeys: 0 }), 5)) {
      expect(view(lens)).toEqual({ dtype: 'int32', shape: [3], values: [0, 0, 0] });
    }
  });

  it('gives one length per query with perQuery', () => {
    const [lens] = fc.sample(validLens({ batch: 2, numKeys: 5, perQuery: 4 }), 1);
    expect(lens!.shape).toEqual([2, 4]);
    expect(lens!.dtype).toBe('int32');
  });

  it('reaches both minLen and numKeys', () => {
    const all = fc
      .sample(validLens({ batch: 4, numKeys: 6, minLen: 2 }), { seed: 3, numRuns: 50 })
      .flatMap((t) => Array.from(t.toTypedArray()));
    expect([Math.min(...all), Math.max(...all)]).toEqual([2, 6]);
  });

  it('gives the same lengths for the same seed', () => {
    const run = () =>
      fc.sample(validLens({ batch: 3, numKeys: 6, perQuery: 2 }), { seed: 42, numRuns: 20 }).map(view);
    expect(run()).toEqual(run());
  });

  it('gives int32 lengths in [minLen, numKeys] of shape (batch) or (batch, queries)', () => {
    const constraints = fc
      .record(
        {
          batch: fc.nat(6),
          numKeys: fc.nat(6),
          perQuery: fc.nat(6),
          minFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        },
        { requiredKeys: ['batch', 'numKeys', 'minFraction'] },
      )
      .map(({ minFraction, ...c }) => ({ ...c, minLen: Math.floor(minFraction * c.numKeys) }));
    fc.assert(
      fc.property(constraints, fc.gen(), (c, g) => {
        const lens = g(validLens, c);
        expect(lens.dtype).toBe('int32');
        expect(lens.shape).toEqual(c.perQuery === undefined ? [c.batch] : [c.batch, c.perQuery]);
        for (const len of lens.toTypedArray()) {
          expect(len).toBeGreaterThanOrEqual(c.minLen);
          expect(len).toBeLessThanOrEqual(c.numKeys);
        }
      }),
    );
  });

  it('shrinks every length toward minLen', () => {
    const ce = fc.check(
      fc.property(validLens({ batch: 3, numKeys: 6, perQuery: 2, minLen: 1 }), (lens) =>
        Array.from(lens.toTypedArray()).every((len) => len <= 1),
      ),
    ).counterexample;
    const shrunk = Array.from(ce![0].toTypedArray()).sort();
    expect(shrunk).toEqual([1, 1, 1, 1, 1, 2]);
  });

  it('throws InvalidArgumentError when minLen > numKeys', () => {
    expect(() => validLens({ batch: 2, numKeys: 3, minLen: 4 })).toThrow(InvalidArgumentError);
    expect(() => validLens({ batch: 2, numKeys: 3, minLen: 4 })).toThrow(
      /validLens: minLen must be ≤ numKeys; got minLen 4, numKeys 3/,
    );
  });

  it('throws InvalidArgumentError when a size is negative or not an integer', () => {
    expect(() => validLens({ batch: -1, numKeys: 3 })).toThrow(/batch must be an integer ≥ 0; got -1/);
    expect(() => validLens({ batch: 2, numKeys: 3, perQuery: 1.5 })).toThrow(/perQuery must be an integer/);
    expect(() => validLens({ batch: 2, numKeys: Number.NaN })).toThrow(InvalidArgumentError);
  });
});
