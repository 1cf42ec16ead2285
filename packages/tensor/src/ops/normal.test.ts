import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator, manualSeed } from '../random/generator.js';
import { normal } from './normal.js';
import { randn } from './randn.js';

describe('normal', () => {
  it('draws torch.normal(mean, std, size) of the same seed: mean + std · randn in float64', () => {
    const x = normal(2, 0.5, [3], { dtype: 'float64', rng: new Generator(0) });
    const z = randn([3], { dtype: 'float64', rng: new Generator(0) });
    (x.toArray() as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo(2 + 0.5 * (z.toArray() as number[])[i]!, 14);
    });
    manualSeed(1);
    const a = normal(0, 0.01, [20, 2]);
    expect(a.shape).toEqual([20, 2]);
    expect(a.dtype).toBe('float32');
  });

  it('continues the cached Box–Muller normal across calls below 16 elements, as PyTorch', () => {
    const g = new Generator(5);
    const first = normal(0, 1, [1], { dtype: 'float64', rng: g });
    const second = normal(0, 1, [1], { dtype: 'float64', rng: g });
    const together = normal(0, 1, [2], { dtype: 'float64', rng: new Generator(5) }).toArray() as number[];
    expect([first.item(), second.item()]).toEqual(together);
  });

  it('has the asked mean and standard deviation on both paths', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.nat(),
        (mean, std, seed) => {
          const v = Array.from(normal(mean, std, [4000], { rng: new Generator(seed) }).toTypedArray());
          const m = v.reduce((a, b) => a + b, 0) / v.length;
          const sd = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
          // 4000 samples: σ of m is std/√4000 ≈ 0.016·std (0.1·std is 6.3σ) and of sd/std about
          // 1/√8000 ≈ 0.011 (0.07 is 6.3σ): each fails with probability below 1e-9 for a random seed.
          expect(Math.abs(m - mean)).toBeLessThan(0.1 * std);
          expect(Math.abs(sd / std - 1)).toBeLessThan(0.07);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('gives exactly mean when std is 0', () => {
    expect(Array.from(normal(1.5, 0, [20]).toTypedArray())).toEqual(new Array(20).fill(1.5));
  });

  it('throws InvalidArgumentError for a negative or non-finite std, a non-finite mean or an integer dtype', () => {
    expect(() => normal(0, -1, [2])).toThrow(InvalidArgumentError);
    expect(() => normal(0, -1, [2])).toThrow(/std finite and >= 0; got mean 0 and std -1/);
    expect(() => normal(Number.NaN, 1, [2])).toThrow(InvalidArgumentError);
    expect(() => normal(0, Number.POSITIVE_INFINITY, [2])).toThrow(InvalidArgumentError);
    expect(() => normal(0, 1, [2], { dtype: 'int32' })).toThrow(/dtype must be float32 or float64/);
    expect(() => normal(0, 1, [-2])).toThrow(InvalidArgumentError);
  });
});
