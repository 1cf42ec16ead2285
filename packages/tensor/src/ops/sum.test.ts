import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkCaseGradients,
  finite,
  optionsOf,
  reduceCases,
  referenceReduce,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { sum } from './sum.js';

const total = (group: number[]): number => group.reduce((s, v) => s + v, 0);

describe('sum', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it('sums all elements to a 0-d tensor by default', () => {
    const out = sum(x);
    expect(out.shape).toEqual([]);
    expect(out.item()).toBeCloseTo(21, 6);
  });

  it('sums over one axis', () => {
    expect(sum(x, { axis: 0 }).toArray()).toEqual([5, 7, 9]);
    expect(sum(x, { axis: 1 }).toArray()).toEqual([6, 15]);
  });

  it('keeps reduced axes with extent 1 under keepDim', () => {
    const out = sum(x, { axis: 1, keepDim: true });
    expect(out.shape).toEqual([2, 1]);
    expect(out.toArray()).toEqual([[6], [15]]);
    expect(sum(x, { keepDim: true }).shape).toEqual([1, 1]);
  });

  it('counts from the end for negative axes', () => {
    expect(sum(x, { axis: -1 }).toArray()).toEqual([6, 15]);
    expect(sum(x, { axis: -2 }).toArray()).toEqual([5, 7, 9]);
  });

  it('sums over several axes at once', () => {
    const y = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], { shape: [2, 3, 2] });
    // PyTorch: torch.arange(12.).reshape(2, 3, 2).sum((0, 2)) = [14, 22, 30]
    expect(sum(y, { axis: [0, 2] }).toArray()).toEqual([14, 22, 30]);
    expect(sum(y, { axis: [-1, 0] }).toArray()).toEqual([14, 22, 30]);
  });

  it('counts true values of a bool tensor as int32', () => {
    const out = sum(tensor([true, false, true, true]));
    expect(out.dtype).toBe('int32');
    expect(out.item()).toBe(3);
  });

  it('keeps int32 and gives 0 over an empty axis', () => {
    expect(sum(tensor([1, 2, 3], { dtype: 'int32' })).dtype).toBe('int32');
    expect(sum(tensor([], { shape: [2, 0] }), { axis: 1 }).toArray()).toEqual([0, 0]);
  });

  it('reads a strided view', () => {
    const y = stridedTensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(sum(y, { axis: 1 }).toArray()).toEqual([6, 15]);
  });

  it('matches an explicit loop for any axes, keepDim and layout', () => {
    fc.assert(
      fc.property(
        reduceCases((n) => fc.array(finite(-10, 10), { minLength: n, maxLength: n })),
        (c) => {
          const out = sum(caseTensor(c), optionsOf(c));
          const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, total);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
        },
      ),
    );
  });

  it('broadcasts the gradient back over the reduced axes', () => {
    const a = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    sum(a, { axis: 1 }).backward(tensor([10, 20]));
    expect(a.grad?.toArray()).toEqual([
      [10, 10, 10],
      [20, 20, 20],
    ]);
  });

  it('has gradients matching finite differences', () => {
    fc.assert(
      fc.property(
        reduceCases((n) => fc.array(finite(-10, 10), { minLength: n, maxLength: n })),
        (c) => {
          checkCaseGradients(c, (t) => sum(t, optionsOf(c)));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => sum(x, { axis: 2 })).toThrow(InvalidArgumentError);
    expect(() => sum(x, { axis: -3 })).toThrow(/axis must be an integer in \[-2, 1\]/);
    expect(() => sum(x, { axis: [0, 5] })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a non-integer axis', () => {
    expect(() => sum(x, { axis: 0.5 })).toThrow(InvalidArgumentError);
  });
});
