import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastableOperands,
  broadcastReference,
  checkGradients,
  expectClose,
  finite,
  stridedTensor,
} from '../../test/elementwise-helpers.js';
import { ShapeError } from '../errors.js';
import { tensor } from './creation.js';
import { maximum } from './maximum.js';
import { sum } from './sum.js';

// Values k + 0.25 against k + 0.75: never tied, at least 0.5 apart (far from the kink for ±eps).
const quarter = fc.integer({ min: -5, max: 5 }).map((k) => k + 0.25);
const threeQuarters = fc.integer({ min: -5, max: 5 }).map((k) => k + 0.75);

describe('maximum', () => {
  it('takes the elementwise maximum like PyTorch', () => {
    // torch.maximum(torch.tensor([1., 5., 3.]), torch.tensor([4., 2., 3.])) -> [4, 5, 3]
    expectClose(maximum(tensor([1, 5, 3]), tensor([4, 2, 3])).toTypedArray(), [4, 5, 3]);
  });

  it('propagates NaN from either side', () => {
    expectClose(maximum(tensor([Number.NaN, 1]), tensor([0, Number.NaN])).toTypedArray(), [NaN, NaN]);
  });

  it('matches an explicit loop over broadcast indices, strided or not', () => {
    fc.assert(
      fc.property(
        broadcastableOperands(finite(-100, 100)),
        fc.boolean(),
        ({ shapeA, a, shapeB, b }, strided) => {
          const ta = strided
            ? stridedTensor(a, shapeA, 'float64')
            : tensor(a, { shape: shapeA, dtype: 'float64' });
          const out = maximum(ta, tensor(b, { shape: shapeB, dtype: 'float64' }));
          const ref = broadcastReference(shapeA, a, shapeB, b, Math.max);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, 0);
        },
      ),
    );
  });

  it('sends the gradient to the larger input and splits ties 0.5/0.5', () => {
    // PyTorch: a = [1., 5., 3.], b = [4., 2., 3.] -> a.grad = [0, 1, 0.5], b.grad = [1, 0, 0.5]
    const a = tensor([1, 5, 3], { requiresGrad: true });
    const b = tensor([4, 2, 3], { requiresGrad: true });
    sum(maximum(a, b)).backward();
    expectClose(a.grad!.toTypedArray(), [0, 1, 0.5]);
    expectClose(b.grad!.toTypedArray(), [1, 0, 0.5]);
  });

  it('matches central finite differences away from ties', () => {
    fc.assert(
      fc.property(broadcastableOperands(quarter, threeQuarters), ({ shapeA, a, shapeB, b }) => {
        checkGradients(maximum, [
          { shape: shapeA, values: a },
          { shape: shapeB, values: b },
        ]);
      }),
    );
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => maximum(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => maximum(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
  });
});
