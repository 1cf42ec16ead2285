import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { repeatInterleave } from './repeat-interleave.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

describe('repeatInterleave', () => {
  it('repeats entries in place like PyTorch', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    // torch.repeat_interleave(x, 2) == [1, 1, 2, 2, 3, 3, 4, 4] (flattened)
    expect(repeatInterleave(x, 2).toArray()).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    // dim=1 -> [[1, 1, 2, 2], [3, 3, 4, 4]]
    expect(repeatInterleave(x, 2, 1).toArray()).toEqual([
      [1, 1, 2, 2],
      [3, 3, 4, 4],
    ]);
    expect(repeatInterleave(x, 2, 0).toArray()).toEqual([
      [1, 2],
      [1, 2],
      [3, 4],
      [3, 4],
    ]);
    expect(repeatInterleave(x, 0, 0).shape).toEqual([0, 2]);
    expect(repeatInterleave(scalar(5), 3).toArray()).toEqual([5, 5, 5]);
  });

  it('matches an explicit loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: -2, max: 1 }),
        (a, b, r, axis) => {
          const rows = reshape(arange(a * b), [a, b]);
          const nested = rows.toArray() as number[][];
          const rep = <T>(v: T[]) => v.flatMap((e) => Array<T>(r).fill(e));
          const expected = axis === 0 || axis === -2 ? rep(nested) : nested.map(rep);
          const out = repeatInterleave(rows, r, axis);
          if (out.numel() > 0) expect(out.toArray()).toEqual(expected);
          else expect(out.numel()).toBe(0);
        },
      ),
    );
  });

  it('sums the gradient over the copies', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    repeatInterleave(x, 2).backward(tensor([1, 2, 3, 4, 5, 6]));
    expect(x.grad?.toArray()).toEqual([3, 7, 11]);
    const y = tensor([[1, 2]], { requiresGrad: true });
    sum(repeatInterleave(y, 3)).backward();
    expect(y.grad?.toArray()).toEqual([[3, 3]]);
    const values = Array.from({ length: 6 }, (_, i) => Math.sin(i));
    checkGradients(
      (v) => repeatInterleave(v, 3, 1),
      [leaf({ shape: [2, 3], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError for a negative or fractional repeats', () => {
    expect(() => repeatInterleave(arange(3), -1)).toThrow(InvalidArgumentError);
    expect(() => repeatInterleave(arange(3), 1.5)).toThrow(/repeats must be a non-negative integer; got 1.5/);
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => repeatInterleave(arange(3), 2, 1)).toThrow(InvalidArgumentError);
  });
});
