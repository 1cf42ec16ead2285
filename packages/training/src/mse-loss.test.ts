import { InvalidArgumentError, ShapeError, type Tensor, tensor } from '@attnkit/tensor';
import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { mseLoss } from './mse-loss.js';

describe('mseLoss', () => {
  it('averages, sums or keeps the squared errors', () => {
    const pred = tensor([1, 2, 3]);
    const target = tensor([1, 2, 5]);
    expect(mseLoss(pred, target).item()).toBeCloseTo(4 / 3, 6);
    expect(mseLoss(pred, target, { reduction: 'sum' }).item()).toBeCloseTo(4, 6);
    expectAllClose(mseLoss(pred, target, { reduction: 'none' }), [0, 0, 4], 1e-7, 0);
  });

  it('equals the mean of (pred − target)² computed by a loop', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: -50, max: 50, noNaN: true }),
            fc.double({ min: -50, max: 50, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 36,
          },
        ),
        (pairs) => {
          const pred = tensor(
            pairs.map(([p]) => p),
            { dtype: 'float64' },
          );
          const target = tensor(
            pairs.map(([, t]) => t),
            { dtype: 'float64' },
          );
          const expected = pairs.reduce((s, [p, t]) => s + (p - t) ** 2, 0) / pairs.length;
          expect(mseLoss(pred, target).item()).toBeCloseTo(expected, 8);
        },
      ),
    );
  });

  it('has the gradient of finite differences in pred and target for every reduction', () => {
    const pred = tensor(
      [
        [0.5, -1, 2],
        [1, 0, -0.3],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
    const target = tensor(
      [
        [0, 1, 2],
        [-1, 0.5, 0.2],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      checkGradients((p: Tensor, t: Tensor) => mseLoss(p, t, { reduction }), [pred, target]);
    }
  });

  it('throws ShapeError when the shapes differ', () => {
    expect(() => mseLoss(tensor([1, 2]), tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => mseLoss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      'mseLoss: target must have shape (2) to match pred; got (3).',
    );
  });

  it('throws InvalidArgumentError for an unknown reduction', () => {
    expect(() => mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as 'mean' })).toThrow(
      InvalidArgumentError,
    );
  });
});
