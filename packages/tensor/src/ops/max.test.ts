import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkGradient,
  distinctValues,
  expectClose,
  finite,
  optionsOf,
  reduceCases,
  referenceReduce,
  stridedTensor,
} from '../../test/reduction-helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { max } from './max.js';

const largest = (group: number[]): number => Math.max(...group);

describe('max', () => {
  const x = tensor([
    [1, 2, 3],
    [1, 5, 5],
  ]);

  it('takes the largest element over an axis like PyTorch amax', () => {
    expect(max(x, { axis: 1 }).toArray()).toEqual([3, 5]);
    expect(max(x, { axis: 0 }).toArray()).toEqual([1, 5, 5]);
    expect(max(x, { axis: -1, keepDim: true }).toArray()).toEqual([[3], [5]]);
  });

  it('reduces all axes by default and keeps the dtype', () => {
    expect(max(x).shape).toEqual([]);
    expect(max(x).item()).toBe(5);
    const ints = max(tensor([-4, 9, 2], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.item()).toBe(9);
  });

  it('handles infinities and propagates NaN', () => {
    expect(max(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(max(tensor([1, Infinity])).item()).toBe(Infinity);
    expect(max(tensor([1, Number.NaN, 3])).item()).toBeNaN();
  });

  it('reads a strided view and keeps an empty non-reduced axis', () => {
    expect(max(stridedTensor([1, 9, 3, 4, 5, 6], [2, 3]), { axis: 1 }).toArray()).toEqual([9, 6]);
    expect(max(tensor([], { shape: [0, 3] }), { axis: 1 }).shape).toEqual([0]);
  });

  it('matches an explicit loop for any axes, keepDim and layout', () => {
    fc.assert(
      fc.property(
        reduceCases((n) => fc.array(finite(-10, 10), { minLength: n, maxLength: n })),
        (c) => {
          const out = max(caseTensor(c), optionsOf(c));
          const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, largest);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, 0);
        },
      ),
    );
  });

  it('splits the gradient evenly among tied maxima like PyTorch', () => {
    // torch.amax(x, 1).backward(ones): [[0, 0, 1], [0, 0.5, 0.5]]
    const a = tensor(
      [
        [1, 2, 3],
        [1, 5, 5],
      ],
      { requiresGrad: true },
    );
    max(a, { axis: 1 }).backward(tensor([1, 1]));
    expectClose(a.grad!.toTypedArray(), [0, 0, 1, 0, 0.5, 0.5]);
  });

  it('gives each of k tied maxima 1/k of the gradient', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), (k, others) => {
        const a = tensor([...new Array<number>(k).fill(2), ...new Array<number>(others).fill(1)], {
          dtype: 'float64',
          requiresGrad: true,
        });
        max(a).backward();
        const grad = a.grad!.toTypedArray();
        expectClose(grad, [...new Array<number>(k).fill(1 / k), ...new Array<number>(others).fill(0)], 1e-12);
      }),
    );
  });

  it('has gradients matching finite differences without ties', () => {
    fc.assert(
      fc.property(reduceCases(distinctValues), (c) => {
        checkGradient((t) => max(t, optionsOf(c)), c.shape, c.values, {
          make: (v) => caseTensor({ ...c, values: v.slice() }),
        });
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => max(x, { axis: 2 })).toThrow(InvalidArgumentError);
    expect(() => max(x, { axis: [0, -3] })).toThrow(/^max: axis must be an integer/);
  });

  it('throws InvalidArgumentError when a reduced axis is empty', () => {
    expect(() => max(tensor([], { shape: [0, 3] }), { axis: 0 })).toThrow(InvalidArgumentError);
    expect(() => max(tensor([]))).toThrow(
      /^max: x must have a non-zero extent on every reduced axis; got shape \(0\)/,
    );
  });
});
