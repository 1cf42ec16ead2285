import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastableOperands,
  broadcastReference,
  finite,
  gradientTolerance,
  operandLeaves,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { tensor } from './creation.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

describe('sub', () => {
  it('subtracts with broadcasting like PyTorch', () => {
    // torch.tensor([[1., 2.], [3., 4.]]) - torch.tensor([0.5, 1.5]) -> [[0.5, 0.5], [2.5, 2.5]]
    const out = sub(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([0.5, 1.5]),
    );
    expect(out.shape).toEqual([2, 2]);
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0.5, 0.5, 2.5, 2.5], tolerance(1e-6));
  });

  it('takes numbers on either side and keeps int32 for integers', () => {
    expect(sub(10, tensor([1, 2, 3], { dtype: 'int32' })).toArray()).toEqual([9, 8, 7]);
    expect(sub(tensor([1, 2], { dtype: 'int32' }), 1).dtype).toBe('int32');
    expect(sub(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype).toBe('float32');
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
          const out = sub(ta, tensor(b, { shape: shapeB, dtype: 'float64' }));
          const ref = broadcastReference(shapeA, a, shapeB, b, (x, y) => x - y);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
        },
      ),
    );
  });

  it('sends +g to a and -g to b, summed over broadcast axes', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor([10, 20, 30], { requiresGrad: true });
    sum(sub(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([[3], [3]]);
    expect(b.grad?.toArray()).toEqual([-2, -2, -2]);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(broadcastableOperands(finite(-3, 3)), (operands) => {
        checkGradients(sub, operandLeaves(operands), gradientTolerance);
      }),
    );
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => sub(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => sub(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
  });

  it('throws InvalidArgumentError for two bool operands', () => {
    expect(() => sub(tensor([true]), tensor([false]))).toThrow(InvalidArgumentError);
  });
});
