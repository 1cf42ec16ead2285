import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { randperm } from './randperm.js';

describe('randperm', () => {
  it('swaps position i with i + word mod (n − i), as PyTorch randperm_cpu', () => {
    const words = new Generator(0);
    const expected = [0, 1, 2, 3, 4];
    for (let i = 0; i < 4; i++) {
      const z = i + (words.nextUint32() % (5 - i));
      [expected[i], expected[z]] = [expected[z]!, expected[i]!];
    }
    const p = randperm(5, { rng: new Generator(0) });
    expect(p.dtype).toBe('int32');
    expect(Array.from(p.toTypedArray())).toEqual(expected);
  });

  it('holds every index once, for any n and seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.nat(), (n, seed) => {
        const v = Array.from(randperm(n, { rng: new Generator(seed) }).toTypedArray()).sort((a, b) => a - b);
        expect(v).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('honours a floating dtype', () => {
    expect(randperm(3, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('throws InvalidArgumentError for a negative or fractional n or requiresGrad on int32', () => {
    expect(() => randperm(-1)).toThrow(InvalidArgumentError);
    expect(() => randperm(2.5)).toThrow(/n must be an integer in \[0, 2147483647\] for dtype int32; got 2.5/);
    expect(() => randperm(3, { requiresGrad: true })).toThrow(/requiresGrad needs a floating dtype/);
  });
});
