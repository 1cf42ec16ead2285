import { InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trainValSplit } from './train-val-split.js';

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

describe('trainValSplit', () => {
  it('holds out the last 10% by default', () => {
    const { train, val } = trainValSplit(range(10));
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(val)).toEqual([9]);
  });

  it('rounds the held-out count, so 0.29 of 100 tokens is 29', () => {
    expect(trainValSplit(range(100), { valFraction: 0.29 }).val.length).toBe(29);
    expect(trainValSplit(range(7), { valFraction: 0 }).val.length).toBe(0);
  });

  it('returns copies', () => {
    const tokens = range(5);
    trainValSplit(tokens).train[0] = 99;
    expect(tokens[0]).toBe(0);
  });

  it('splits into a prefix and a suffix of round(n · valFraction) tokens', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (n, f) => {
        const { train, val } = trainValSplit(range(n), { valFraction: f });
        expect(val.length).toBe(Math.round(n * f));
        expect([...train, ...val]).toEqual(Array.from(range(n)));
      }),
    );
  });

  it('throws InvalidArgumentError for valFraction outside [0, 1) or non-Int32Array tokens', () => {
    expect(() => trainValSplit(range(5), { valFraction: 1 })).toThrow(
      'trainValSplit: valFraction must be a number in [0, 1); got 1.',
    );
    expect(() => trainValSplit(range(5), { valFraction: -0.1 })).toThrow(InvalidArgumentError);
    expect(() => trainValSplit(new Float32Array(3) as unknown as Int32Array)).toThrow(InvalidArgumentError);
  });
});
