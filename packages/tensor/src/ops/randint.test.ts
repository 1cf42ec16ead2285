import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { randint } from './randint.js';

describe('randint', () => {
  it('gives the same int32 numbers for the same seed', () => {
    const a = randint(0, 10, [2, 4], { rng: new Generator(0) });
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([2, 4]);
    expect(a.toArray()).toEqual(randint(0, 10, [2, 4], { rng: new Generator(0) }).toArray());
    const g = new Generator(0);
    expect(Array.from(a.toTypedArray())).toEqual(Array.from({ length: 8 }, () => g.int(0, 10)));
  });

  it('honours a floating dtype', () => {
    const x = randint(-2, 2, [50], { dtype: 'float64', rng: new Generator(1) });
    expect(x.dtype).toBe('float64');
    expect(Array.from(x.toTypedArray()).every((v) => Number.isInteger(v) && v >= -2 && v < 2)).toBe(true);
  });

  it('stays in [low, high) and reaches both ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (low, width, seed) => {
          const v = Array.from(randint(low, low + width, [200], { rng: new Generator(seed) }).toTypedArray());
          expect(v.every((x) => x >= low && x < low + width)).toBe(true);
          expect(Math.min(...v)).toBe(low);
          expect(Math.max(...v)).toBe(low + width - 1);
        },
      ),
    );
  });

  it('throws InvalidArgumentError for empty or fractional bounds', () => {
    expect(() => randint(3, 3, [2])).toThrow(InvalidArgumentError);
    expect(() => randint(0, 2.5, [2])).toThrow(
      /bounds must be integers with low < high; got low 0 and high 2.5/,
    );
  });

  it('throws InvalidArgumentError for int32 bounds outside the int32 range', () => {
    expect(() => randint(0, 2 ** 32, [2])).toThrow(/for dtype int32/);
    expect(randint(0, 2 ** 32, [2], { dtype: 'float64' }).shape).toEqual([2]);
  });

  it('throws InvalidArgumentError for a bad shape', () => {
    expect(() => randint(0, 2, [-2])).toThrow(InvalidArgumentError);
  });
});
