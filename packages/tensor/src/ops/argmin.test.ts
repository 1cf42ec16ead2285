import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseTensor, laneCases, referenceReduce, stridedTensor } from '../../test/reduction-helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { argmin } from './argmin.js';
import { tensor } from './creation.js';

/** Index of the first smallest element (a NaN wins), as an explicit loop. */
const firstMin = (group: number[]): number => {
  let at = 0;
  for (let j = 1; j < group.length; j++) {
    if (Number.isNaN(group[at]!)) break;
    if (Number.isNaN(group[j]!) || group[j]! < group[at]!) at = j;
  }
  return at;
};

describe('argmin', () => {
  const x = tensor([
    [3, 2, 1],
    [4, 0, 0],
  ]);

  it('indexes the flattened tensor when no axis is given, like PyTorch', () => {
    const out = argmin(x);
    expect(out.dtype).toBe('int32');
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(4);
    expect(argmin(x, { keepDim: true }).shape).toEqual([1, 1]);
  });

  it('searches along an axis and takes the first of ties', () => {
    expect(argmin(x, { axis: 1 }).toArray()).toEqual([2, 1]);
    expect(argmin(x, { axis: 0 }).toArray()).toEqual([0, 1, 1]);
    expect(argmin(x, { axis: -1, keepDim: true }).toArray()).toEqual([[2], [1]]);
  });

  it('treats NaN as the smallest value like PyTorch', () => {
    // torch.argmin(torch.tensor([1., nan, 0.])) = 1
    expect(argmin(tensor([1, Number.NaN, 0])).item()).toBe(1);
  });

  it('flattens a strided view in row-major order', () => {
    expect(argmin(stridedTensor([1, 9, 3, 4, -5, 6], [2, 3])).item()).toBe(4);
  });

  it('matches an explicit loop along any axis, ties included', () => {
    fc.assert(
      fc.property(
        laneCases((n) => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: n, maxLength: n })),
        fc.boolean(),
        (c, keepDim) => {
          const out = argmin(caseTensor(c), { axis: c.axis, keepDim });
          const ref = referenceReduce(c.shape, c.values, [c.axis], keepDim, firstMin);
          expect(out.shape).toEqual(ref.shape);
          expect(Array.from(out.toTypedArray())).toEqual(ref.values);
          expect(argmin(caseTensor(c)).item()).toBe(firstMin(c.values));
        },
      ),
    );
  });

  it('records no gradient', () => {
    expect(argmin(tensor([1, 3, 2], { requiresGrad: true })).requiresGrad).toBe(false);
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => argmin(x, { axis: 2 })).toThrow(InvalidArgumentError);
    expect(() => argmin(x, { axis: 1.5 })).toThrow(/^argmin: axis must be an integer/);
  });

  it('throws InvalidArgumentError when the searched axis or tensor is empty', () => {
    expect(() => argmin(tensor([], { shape: [0, 2] }), { axis: 0 })).toThrow(InvalidArgumentError);
    expect(() => argmin(tensor([], { shape: [0, 2] }))).toThrow(/^argmin: x must have a non-zero extent/);
  });
});
