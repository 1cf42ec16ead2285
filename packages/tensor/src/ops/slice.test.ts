import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { sum } from './sum.js';

/** Python's `v[start:end:step]` for a positive step: Array.prototype.slice has the same index rules. */
function pySlice<T>(v: readonly T[], start: number, end: number | undefined, step: number): T[] {
  return v.slice(start, end).filter((_, k) => k % step === 0);
}

describe('slice', () => {
  it('follows Python slicing with negative indices and steps', () => {
    // torch.arange(10)[-3:] == [7, 8, 9]; [1:8:3] == [1, 4, 7]; [-100:2] == [0, 1]; [5:2] is empty
    expect(slice(arange(10), 0, -3).toArray()).toEqual([7, 8, 9]);
    expect(slice(arange(10), 0, 1, 8, 3).toArray()).toEqual([1, 4, 7]);
    expect(slice(arange(10), 0, -100, 2).toArray()).toEqual([0, 1]);
    expect(slice(arange(10), 0, 5, 2).shape).toEqual([0]);
    expect(slice(arange(10), 0, 8, 100).toArray()).toEqual([8, 9]);
  });

  it('slices an inner axis like PyTorch', () => {
    // torch.arange(12).reshape(3, 4)[:, 1::2] == [[1, 3], [5, 7], [9, 11]]
    expect(slice(reshape(arange(12), [3, 4]), 1, 1, undefined, 2).toArray()).toEqual([
      [1, 3],
      [5, 7],
      [9, 11],
    ]);
  });

  it('returns a view that shares storage and copies nothing', () => {
    const x = reshape(arange(12), [3, 4]);
    const out = slice(x, 1, 1, 4, 2);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.nd.offset).toBe(1);
    expect(out.nd.stride).toEqual([4, 2]);
  });

  it('matches an explicit loop over Python slice semantics', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: -8, max: 8 }),
        fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
        fc.integer({ min: 1, max: 4 }),
        (n, start, end, step) => {
          const values = [...Array(n).keys()];
          expect(slice(arange(n), 0, start, end, step).toArray()).toEqual(pySlice(values, start, end, step));
        },
      ),
    );
  });

  it('matches an explicit loop on every axis of a 3-D tensor', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (shape, axis, start, end, step) => {
          const x = reshape(arange(shape[0] * shape[1] * shape[2]), shape);
          const nested = x.toArray() as number[][][];
          const expected =
            axis === 0
              ? pySlice(nested, start, end, step)
              : axis === 1
                ? nested.map((m) => pySlice(m, start, end, step))
                : nested.map((m) => m.map((r) => pySlice(r, start, end, step)));
          const out = slice(x, axis, start, end, step);
          if (out.numel() > 0) expect(out.toArray()).toEqual(expected);
          else expect(out.shape[axis]).toBe(0);
        },
      ),
    );
  });

  it('scatters the gradient into zeros at the sliced positions', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    sum(slice(x, 0, 1, 6, 2)).backward();
    expect(x.grad?.toArray()).toEqual([0, 1, 0, 1, 0, 1]);
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    checkGradients(
      (v) => slice(v, 1, 1, 6, 2),
      [leaf({ shape: [2, 6, 2], values })],
      linearGradientTolerance,
    );
    checkGradients((v) => slice(v, -1, -1), [leaf({ shape: [2, 6, 2], values })], linearGradientTolerance);
    checkGradients((v) => slice(v, 0, 1), [leaf({ shape: [2, 6, 2], values })], linearGradientTolerance);
  });

  it('throws InvalidArgumentError for a non-positive or fractional step', () => {
    expect(() => slice(arange(5), 0, 0, 5, 0)).toThrow(InvalidArgumentError);
    expect(() => slice(arange(5), 0, 4, 0, -1)).toThrow(/step must be a positive integer; got -1/);
    expect(() => slice(arange(5), 0, 0, 5, 1.5)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a fractional start or end or a bad axis', () => {
    expect(() => slice(arange(5), 0, 0.5)).toThrow(/start must be an integer/);
    expect(() => slice(arange(5), 0, 0, 2.5)).toThrow(/end must be an integer/);
    expect(() => slice(arange(5), 1, 0)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for a 0-d tensor', () => {
    expect(() => slice(scalar(1), 0, 0)).toThrow(ShapeError);
  });
});
