import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseTensor, laneCases, referenceReduce, stridedTensor } from '../../test/reduction-helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { argmax } from './argmax.js';
import { tensor } from './creation.js';

/** Index of the first largest element (a NaN wins), as an explicit loop. */
const firstMax = (group: number[]): number => {
  let at = 0;
  for (let j = 1; j < group.length; j++) {
    if (Number.isNaN(group[at]!)) break;
    if (Number.isNaN(group[j]!) || group[j]! > group[at]!) at = j;
  }
  return at;
};

describe('argmax', () => {
  const x = tensor([
    [1, 2, 3],
    [1, 5, 5],
  ]);

  it('indexes the flattened tensor when no axis is given, like PyTorch', () => {
    // torch.argmax(x) = 4: the first 5 in [1, 2, 3, 1, 5, 5]
    const out = argmax(x);
    expect(out.dtype).toBe('int32');
    expect(out.shape).toEqual([]);
    expect(out.item()).toBe(4);
    expect(argmax(x, { keepDim: true }).shape).toEqual([1, 1]);
  });

  it('searches along an axis and takes the first of ties', () => {
    expect(argmax(x, { axis: 1 }).toArray()).toEqual([2, 1]);
    expect(argmax(x, { axis: -2 }).toArray()).toEqual([0, 1, 1]);
    expect(argmax(x, { axis: 1, keepDim: true }).toArray()).toEqual([[2], [1]]);
  });

  it('treats NaN as the largest value like PyTorch', () => {
    expect(argmax(tensor([1, Number.NaN, 3, Number.NaN])).item()).toBe(1);
    expect(argmax(tensor([-Infinity, -Infinity])).item()).toBe(0);
  });

  it('flattens a strided view in row-major order and handles a 0-d tensor', () => {
    expect(argmax(stridedTensor([1, 9, 3, 4, 5, 6], [2, 3])).item()).toBe(1);
    expect(argmax(stridedTensor([1, 9, 3, 4, 5, 6], [2, 3]), { axis: 0 }).toArray()).toEqual([1, 0, 1]);
    expect(argmax(tensor(3), { axis: -1 }).item()).toBe(0);
  });

  it('matches an explicit loop along any axis, ties included', () => {
    fc.assert(
      fc.property(
        laneCases((n) => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: n, maxLength: n })),
        fc.boolean(),
        (c, keepDim) => {
          const out = argmax(caseTensor(c), { axis: c.axis, keepDim });
          const ref = referenceReduce(c.shape, c.values, [c.axis], keepDim, firstMax);
          expect(out.shape).toEqual(ref.shape);
          expect(Array.from(out.toTypedArray())).toEqual(ref.values);
          expect(argmax(caseTensor(c)).item()).toBe(firstMax(c.values));
        },
      ),
    );
  });

  it('records no gradient', () => {
    const a = tensor([1, 3, 2], { requiresGrad: true });
    expect(argmax(a).requiresGrad).toBe(false);
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => argmax(x, { axis: 2 })).toThrow(InvalidArgumentError);
    expect(() => argmax(x, { axis: -3 })).toThrow(/^argmax: axis must be an integer/);
  });

  it('throws InvalidArgumentError when the searched axis or tensor is empty', () => {
    expect(() => argmax(tensor([], { shape: [2, 0] }), { axis: 1 })).toThrow(InvalidArgumentError);
    expect(() => argmax(tensor([]))).toThrow(/^argmax: x must have a non-zero extent/);
  });
});
