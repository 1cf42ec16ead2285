import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { bernoulli } from './bernoulli.js';

describe('bernoulli', () => {
  it('draws 1 exactly where the float64 uniform lies below p, as PyTorch bernoulli_(p)', () => {
    const g = new Generator(2);
    const expected = Array.from({ length: 12 }, () => (g.random() < 0.4 ? 1 : 0));
    const b = bernoulli([3, 4], 0.4, { rng: new Generator(2) });
    expect(b.shape).toEqual([3, 4]);
    expect(b.dtype).toBe('float32');
    expect(Array.from(b.toTypedArray())).toEqual(expected);
  });

  it('gives all zeros for p = 0, all ones for p = 1, and about p ones otherwise', () => {
    expect(Array.from(bernoulli([5], 0).toTypedArray())).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(bernoulli([5], 1, { dtype: 'bool' }).toTypedArray())).toEqual([1, 1, 1, 1, 1]);
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.nat(), (p, seed) => {
        const v = Array.from(bernoulli([4000], p, { rng: new Generator(seed) }).toTypedArray());
        // Within 6.5σ, σ = √(p(1 − p)/4000): the exact binomial tails stay below 5e-10 for every p here
        // (a fixed 0.04 is only 5.1σ at p = 1/2: about 4e-7 per random seed).
        const sigma = Math.sqrt((p * (1 - p)) / v.length);
        expect(Math.abs(v.reduce((a, b) => a + b, 0) / v.length - p)).toBeLessThan(6.5 * sigma);
      }),
      { numRuns: 20 },
    );
  });

  it('throws InvalidArgumentError for p outside [0, 1] or requiresGrad on a non-floating dtype', () => {
    expect(() => bernoulli([2], 1.5)).toThrow(InvalidArgumentError);
    expect(() => bernoulli([2], Number.NaN)).toThrow(/p must be a probability in \[0, 1\]; got NaN/);
    expect(() => bernoulli([2], 0.5, { dtype: 'bool', requiresGrad: true })).toThrow(InvalidArgumentError);
  });
});
