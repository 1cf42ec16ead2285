import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';

describe('arange', () => {
  it('counts from 0 with one argument, as int32', () => {
    const x = arange(5);
    expect(x.dtype).toBe('int32');
    expect(x.toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(0).shape).toEqual([0]);
  });

  it('gives float32 for fractional arguments with PyTorch values', () => {
    // torch.arange(1, 2, 0.25) == [1.0, 1.25, 1.5, 1.75] (float32)
    const x = arange(1, 2, 0.25);
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    // torch.arange(0, 1, 0.1) has 10 elements; element 7 is 0.699999988079071 in float32
    const y = arange(0, 1, 0.1).toArray() as number[];
    expect(y).toHaveLength(10);
    expect(y[7]).toBeCloseTo(0.699999988079071, 7);
  });

  it('counts down with a negative step', () => {
    // torch.arange(10, 0, -3) == [10, 7, 4, 1]
    expect(arange(10, 0, -3).toArray()).toEqual([10, 7, 4, 1]);
  });

  it('honours dtype and requiresGrad options', () => {
    const x = arange(0, 3, 1, { dtype: 'float64', requiresGrad: true });
    expect(x.dtype).toBe('float64');
    expect(x.requiresGrad).toBe(true);
    expect(x.toArray()).toEqual([0, 1, 2]);
  });

  it('has ceil((end - start) / step) elements start + i·step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 20 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 7 }),
        (start, span, step) => {
          const values = arange(start, start + span, step).toArray() as number[];
          const expected: number[] = [];
          for (let v = start; v < start + span; v += step) expected.push(v);
          expect(values).toEqual(expected);
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a zero step or a step of the wrong sign', () => {
    expect(() => arange(0, 5, 0)).toThrow(InvalidArgumentError);
    expect(() => arange(5, 1)).toThrow(/end - start and step must have the same sign/);
    expect(() => arange(1, 5, -1)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a non-finite argument', () => {
    expect(() => arange(Number.POSITIVE_INFINITY)).toThrow(/end must be finite/);
    expect(() => arange(0, 1, Number.NaN)).toThrow(InvalidArgumentError);
  });
});
