import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator, manualSeed } from '../random/generator.js';
import { rand } from './rand.js';

describe('rand', () => {
  it('gives the same numbers for the same seed and different ones for another', () => {
    const a = rand([2, 3], { rng: new Generator(0) });
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual(rand([2, 3], { rng: new Generator(0) }).toArray());
    expect(a.toArray()).not.toEqual(rand([2, 3], { rng: new Generator(1) }).toArray());
    manualSeed(5);
    const b = rand([4]);
    manualSeed(5);
    expect(rand([4]).toArray()).toEqual(b.toArray());
  });

  it('keeps float64 draws equal to the generator stream', () => {
    const g = new Generator(3);
    const expected = [g.random(), g.random(), g.random()];
    expect(rand([3], { dtype: 'float64', rng: new Generator(3) }).toArray()).toEqual(expected);
  });

  it('does not require gradients unless asked', () => {
    expect(rand([2]).requiresGrad).toBe(false);
    expect(rand([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('stays in [0, 1) with mean about 1/2, also in float32', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom('float32' as const, 'float64' as const),
        (seed, dtype) => {
          const v = Array.from(rand([2000], { dtype, rng: new Generator(seed) }).toTypedArray());
          expect(v.every((x) => x >= 0 && x < 1)).toBe(true);
          expect(Math.abs(v.reduce((a, b) => a + b, 0) / v.length - 0.5)).toBeLessThan(0.05);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('throws InvalidArgumentError for an integer dtype or a bad shape', () => {
    expect(() => rand([2], { dtype: 'int32' })).toThrow(InvalidArgumentError);
    expect(() => rand([2], { dtype: 'int32' })).toThrow(/dtype must be float32 or float64; got int32/);
    expect(() => rand([-1])).toThrow(InvalidArgumentError);
  });
});
