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
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { mean } from './mean.js';

const average = (group: number[]): number => group.reduce((s, v) => s + v, 0) / group.length;
const floats = (n: number) => fc.array(finite(-10, 10), { minLength: n, maxLength: n });

describe('mean', () => {
  it('averages over an axis like PyTorch', () => {
    // torch.tensor([[1., 2.], [3., 5.]]).mean(0) = [2.0, 3.5]
    const x = tensor([
      [1, 2],
      [3, 5],
    ]);
    expectClose(mean(x, { axis: 0 }).toTypedArray(), [2, 3.5], tolerance(1e-6));
    expectClose(mean(x, { axis: -1, keepDim: true }).toTypedArray(), [1.5, 4], tolerance(1e-6));
    expect(mean(x, { axis: -1, keepDim: true }).shape).toEqual([2, 1]);
  });

  it('averages all elements to a 0-d tensor by default', () => {
    const out = mean(tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] }));
    expect(out.shape).toEqual([]);
    expect(out.item()).toBeCloseTo(3.5, 6);
  });

  it('gives float32 for int32 and bool input', () => {
    const ints = mean(tensor([1, 2], { dtype: 'int32' }));
    expect(ints.dtype).toBe('float32');
    expect(ints.item()).toBeCloseTo(1.5, 6);
    expect(mean(tensor([true, false, false, false])).item()).toBeCloseTo(0.25, 6);
  });

  it('keeps float64 and gives NaN over zero elements', () => {
    expect(mean(tensor([1, 2], { dtype: 'float64' })).dtype).toBe('float64');
    expect(mean(tensor([], { shape: [0] })).item()).toBeNaN();
  });

  it('matches an explicit loop for any axes, keepDim and layout', () => {
    fc.assert(
      fc.property(reduceCases(floats), (c) => {
        const out = mean(caseTensor(c), optionsOf(c));
        const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, average);
        expect(out.shape).toEqual(ref.shape);
        expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
      }),
    );
  });

  it('spreads the gradient evenly over each reduced group', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3], requiresGrad: true });
    mean(x, { axis: 1 }).backward(tensor([3, 6]));
    expectClose(x.grad!.toTypedArray(), [1, 1, 1, 2, 2, 2], tolerance(1e-6));
  });

  it('has gradients matching finite differences', () => {
    fc.assert(
      fc.property(reduceCases(floats), (c) => {
        checkCaseGradients(c, (t) => mean(t, optionsOf(c)));
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => mean(tensor([1, 2]), { axis: 1 })).toThrow(InvalidArgumentError);
    expect(() => mean(tensor([1, 2]), { axis: 1 })).toThrow(/^mean: axis must be an integer/);
  });
});
