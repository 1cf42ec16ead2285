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
import { ShapeError } from '../errors.js';
import { tensor } from './creation.js';
import { mul } from './mul.js';
import { sum } from './sum.js';

describe('mul', () => {
  it('multiplies with broadcasting like PyTorch', () => {
    // torch.tensor([[1.], [2.]]) * torch.tensor([10., 20., 0.5]) -> [[10, 20, 0.5], [20, 40, 1]]
    const out = mul(tensor([[1], [2]]), tensor([10, 20, 0.5]));
    expect(out.shape).toEqual([2, 3]);
    expectClose(out.toTypedArray(), [10, 20, 0.5, 20, 40, 1], tolerance(1e-6));
  });

  it('wraps int32 products around like PyTorch', () => {
    // torch.tensor([65536, 123456789], dtype=torch.int32) * 65537 -> [65536, -730804971]
    const out = mul(tensor([65536, 123456789], { dtype: 'int32' }), 65537);
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual([65536, -730804971]);
  });

  it('matches an explicit loop over broadcast indices, strided or not', () => {
    fc.assert(
      fc.property(
        broadcastableOperands(finite(-100, 100)),
        fc.boolean(),
        ({ shapeA, a, shapeB, b }, strided) => {
          const tb = strided
            ? stridedTensor(b, shapeB, 'float64')
            : tensor(b, { shape: shapeB, dtype: 'float64' });
          const out = mul(tensor(a, { shape: shapeA, dtype: 'float64' }), tb);
          const ref = broadcastReference(shapeA, a, shapeB, b, (x, y) => x * y);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
        },
      ),
    );
  });

  it('sends g·b to a and g·a to b, summed over broadcast axes', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    const b = tensor([10, 20, 30], { requiresGrad: true });
    sum(mul(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([[60], [60]]);
    expect(b.grad?.toArray()).toEqual([3, 3, 3]);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(broadcastableOperands(finite(-3, 3)), (operands) => {
        checkGradients(mul, operandLeaves(operands), gradientTolerance);
      }),
    );
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => mul(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => mul(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
  });
});
