import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { linspace } from './linspace.js';

describe('linspace', () => {
  it('matches PyTorch values', () => {
    // torch.linspace(-1, 1, 7).tolist()
    const torch = [
      -1, -0.6666666269302368, -0.3333333134651184, -2.9802322387695312e-8, 0.3333333134651184,
      0.6666666269302368, 1,
    ];
    const x = linspace(-1, 1, 7);
    expect(x.dtype).toBe('float32');
    (x.toArray() as number[]).forEach((v, i) => {
      expect(v).toBeCloseTo(torch[i]!, 6);
    });
    // torch.linspace(3, -2, 6) == [3, 2, 1, 0, -1, -2]
    expect(linspace(3, -2, 6).toArray()).toEqual([3, 2, 1, 0, -1, -2]);
  });

  it('handles 0 and 1 steps and truncates for int32 like PyTorch', () => {
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(2, 5, 1).toArray()).toEqual([2]);
    // torch.linspace(0, 10, 4, dtype=torch.int64) == [0, 3, 6, 10]
    expect(linspace(0, 10, 4, { dtype: 'int32' }).toArray()).toEqual([0, 3, 6, 10]);
  });

  it('hits both endpoints exactly and spaces values evenly', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.integer({ min: 2, max: 12 }),
        (start, end, steps) => {
          const v = linspace(start, end, steps, { dtype: 'float64' }).toArray() as number[];
          // Exact endpoints (=== so that -0 and 0 count as equal).
          expect(v[0] === start && v[steps - 1] === end).toBe(true);
          const delta = (end - start) / (steps - 1);
          const tol = 1e-12 * (1 + Math.abs(start) + Math.abs(end));
          v.forEach((x, i) => {
            expect(Math.abs(x - (start + i * delta))).toBeLessThan(tol);
          });
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a negative or fractional steps', () => {
    expect(() => linspace(0, 1, -1)).toThrow(InvalidArgumentError);
    expect(() => linspace(0, 1, 2.5)).toThrow(/steps must be a non-negative integer; got 2.5/);
  });

  it('throws InvalidArgumentError for non-finite bounds', () => {
    expect(() => linspace(0, Number.POSITIVE_INFINITY, 3)).toThrow(/start and end must be finite/);
  });
});
