import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  awayFromZero,
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
import { div } from './div.js';
import { sum } from './sum.js';

describe('div', () => {
  it('divides with broadcasting like PyTorch', () => {
    // torch.tensor([[1.], [3.]]) / torch.tensor([2., 4.]) -> [[0.5, 0.25], [1.5, 0.75]]
    const out = div(tensor([[1], [3]]), tensor([2, 4]));
    expect(out.shape).toEqual([2, 2]);
    expectClose(out.toTypedArray(), [0.5, 0.25, 1.5, 0.75], tolerance(1e-6));
  });

  it('gives float32 for integer inputs (true division)', () => {
    // torch.div(torch.tensor([1, 2, 3], dtype=torch.int32), 2) -> tensor([0.5000, 1.0000, 1.5000])
    const out = div(tensor([1, 2, 3], { dtype: 'int32' }), 2);
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0.5, 1, 1.5], tolerance(1e-6));
    expect(div(tensor([true, false]), tensor([true, true])).dtype).toBe('float32');
  });

  it('gives ±Infinity and NaN on division by zero', () => {
    // torch.tensor([1., -1., 0.]) / 0 -> [inf, -inf, nan]
    expectClose(div(tensor([1, -1, 0]), 0).toTypedArray(), [Infinity, -Infinity, NaN], tolerance(1e-6));
  });

  it('matches an explicit loop over broadcast indices, strided or not', () => {
    fc.assert(
      fc.property(
        broadcastableOperands(finite(-100, 100), awayFromZero(0.01, 100)),
        fc.boolean(),
        ({ shapeA, a, shapeB, b }, strided) => {
          const ta = strided
            ? stridedTensor(a, shapeA, 'float64')
            : tensor(a, { shape: shapeA, dtype: 'float64' });
          const out = div(ta, tensor(b, { shape: shapeB, dtype: 'float64' }));
          const ref = broadcastReference(shapeA, a, shapeB, b, (x, y) => x / y);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
        },
      ),
    );
  });

  it('sends g/b to a and -g·a/b² to b', () => {
    // a = [1., 3.], b = [2., 4.] -> a.grad = [0.5, 0.25], b.grad = [-0.25, -0.1875]
    const a = tensor([1, 3], { requiresGrad: true });
    const b = tensor([2, 4], { requiresGrad: true });
    sum(div(a, b)).backward();
    expectClose(a.grad!.toTypedArray(), [0.5, 0.25], tolerance(1e-6));
    expectClose(b.grad!.toTypedArray(), [-0.25, -0.1875], tolerance(1e-6));
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(broadcastableOperands(finite(-3, 3), awayFromZero(0.5, 3)), (operands) => {
        checkGradients(div, operandLeaves(operands), gradientTolerance);
      }),
    );
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => div(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => div(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
  });
});
