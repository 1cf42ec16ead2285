import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { uniform } from './uniform.js';

describe('uniform', () => {
  it('gives the same numbers for the same seed, scaled from the generator stream', () => {
    const a = uniform([3], -2, 4, { dtype: 'float64', rng: new Generator(6) });
    const g = new Generator(6);
    (a.toArray() as number[]).forEach((v) => {
      expect(v).toBeCloseTo(-2 + 6 * g.random(), 12);
    });
    expect(uniform([2, 2], 0, 1, { rng: new Generator(1) }).toArray()).toEqual(
      uniform([2, 2], 0, 1, { rng: new Generator(1) }).toArray(),
    );
  });

  it('does not require gradients unless asked', () => {
    expect(uniform([2], 0, 1).requiresGrad).toBe(false);
    expect(uniform([2], 0, 1, { requiresGrad: true }).requiresGrad).toBe(true);
  });

  // u < 1 always, but u·width + low rounds to the dtype: when |low| is large against the width,
  // u·width + low can round up to high itself (so does PyTorch's uniform_), so the invariant is the
  // closed interval; [0, 1) stays half-open because u·1 + 0 = u is exact.
  it('stays in [low, high] with mean about (low + high) / 2, and in [0, 1) for U[0, 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.nat(),
        (low, width, seed) => {
          const v = Array.from(
            uniform([2000], low, low + width, { rng: new Generator(seed) }).toTypedArray(),
          );
          expect(v.every((x) => x >= low && x <= low + width)).toBe(true);
          const unit = uniform([2000], 0, 1, { rng: new Generator(seed) }).toTypedArray();
          expect(unit.every((x) => x >= 0 && x < 1)).toBe(true);
          const mean = v.reduce((a, b) => a + b, 0) / v.length;
          expect(Math.abs(mean - (low + width / 2))).toBeLessThan(0.05 * width);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('can return high itself when rounding to float32 reaches it, as PyTorch does', () => {
    // The seed found by fast-check (CI, session 11): U[2, 3) in float32 rounds 2 + u to 3 for u
    // within 2^-23 of 1.
    const v = uniform([2000], 2, 3, { rng: new Generator(429828095) }).toTypedArray();
    expect(v.every((x) => x >= 2 && x <= 3)).toBe(true);
    expect(v.some((x) => x === 3)).toBe(true);
  });

  it('throws InvalidArgumentError for reversed or non-finite bounds', () => {
    expect(() => uniform([2], 1, 0)).toThrow(InvalidArgumentError);
    expect(() => uniform([2], 0, Number.POSITIVE_INFINITY)).toThrow(/bounds must be finite with low <= high/);
  });

  it('throws InvalidArgumentError for an integer dtype or a bad shape', () => {
    expect(() => uniform([2], 0, 1, { dtype: 'int32' })).toThrow(/uniform: dtype must be float32 or float64/);
    expect(() => uniform([0.5], 0, 1)).toThrow(InvalidArgumentError);
  });
});
