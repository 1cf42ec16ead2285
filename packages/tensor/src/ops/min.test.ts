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
import { min } from './min.js';

const smallest = (group: number[]): number => Math.min(...group);

describe('min', () => {
  const x = tensor([
    [3, 2, 1],
    [4, 0, 0],
  ]);

  it('takes the smallest element over an axis like PyTorch amin', () => {
    expect(min(x, { axis: 1 }).toArray()).toEqual([1, 0]);
    expect(min(x, { axis: 0 }).toArray()).toEqual([3, 0, 0]);
    expect(min(x, { axis: -1, keepDim: true }).toArray()).toEqual([[1], [0]]);
  });

  it('reduces all axes by default and keeps the dtype', () => {
    expect(min(x).shape).toEqual([]);
    expect(min(x).item()).toBe(0);
    const ints = min(tensor([-4, 9, 2], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.item()).toBe(-4);
  });

  it('handles infinities and propagates NaN', () => {
    expect(min(tensor([Infinity, Infinity])).item()).toBe(Infinity);
    expect(min(tensor([1, -Infinity])).item()).toBe(-Infinity);
    expect(min(tensor([1, Number.NaN, -3])).item()).toBeNaN();
  });

  it('reads a strided view', () => {
    expect(min(stridedTensor([1, 9, 3, 4, -5, 6], [2, 3]), { axis: 1 }).toArray()).toEqual([1, -5]);
  });

  it('matches an explicit loop for any axes, keepDim and layout', () => {
    fc.assert(
      fc.property(
        reduceCases((n) => fc.array(finite(-10, 10), { minLength: n, maxLength: n })),
        (c) => {
          const out = min(caseTensor(c), optionsOf(c));
          const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, smallest);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, 0);
        },
      ),
    );
  });

  it('splits the gradient evenly among tied minima like PyTorch', () => {
    // torch.amin(x, 1).backward(tensor([1., 4.])): [[0, 0, 1], [0, 2, 2]]
    const a = tensor(
      [
        [3, 2, 1],
        [4, 0, 0],
      ],
      { requiresGrad: true },
    );
    min(a, { axis: 1 }).backward(tensor([1, 4]));
    expectClose(a.grad!.toTypedArray(), [0, 0, 1, 0, 2, 2]);
  });

  it('has gradients matching finite differences without ties', () => {
    fc.assert(
      fc.property(reduceCases(distinctValues), (c) => {
        checkGradient((t) => min(t, optionsOf(c)), c.shape, c.values, {
          make: (v) => caseTensor({ ...c, values: v.slice() }),
        });
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => min(x, { axis: -3 })).toThrow(InvalidArgumentError);
    expect(() => min(x, { axis: 2 })).toThrow(/^min: axis must be an integer/);
  });

  it('throws InvalidArgumentError when a reduced axis is empty', () => {
    expect(() => min(tensor([], { shape: [2, 0] }), { axis: 1 })).toThrow(InvalidArgumentError);
    expect(() => min(tensor([], { shape: [2, 0] }))).toThrow(/^min: x must have a non-zero extent/);
  });
});
