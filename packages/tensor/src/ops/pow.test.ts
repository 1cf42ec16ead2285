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
import { pow } from './pow.js';
import { sum } from './sum.js';

describe('pow', () => {
  it('raises to a power with broadcasting like PyTorch', () => {
    // torch.pow(torch.tensor([[1.], [2.]]), torch.tensor([2., 0.5, -1.])) -> [[1, 1, 1], [4, 1.4142, 0.5]]
    const out = pow(tensor([[1], [2]]), tensor([2, 0.5, -1]));
    expect(out.shape).toEqual([2, 3]);
    expectClose(out.toTypedArray(), [1, 1, 1, 4, Math.SQRT2, 0.5], tolerance(1e-6));
  });

  it('gives float32 for integer inputs', () => {
    const out = pow(tensor([2, 3], { dtype: 'int32' }), 2);
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [4, 9], tolerance(1e-6));
  });

  it('follows C pow where JS differs: 1^NaN = 1, (-1)^Infinity = 1; a negative base to a fraction is NaN', () => {
    // torch.pow(torch.tensor([1., -1., -8.]), torch.tensor([nan, inf, 1/3])) -> [1, 1, nan]
    expectClose(
      pow(tensor([1, -1, -8]), tensor([Number.NaN, Infinity, 1 / 3])).toTypedArray(),
      [1, 1, NaN],
      tolerance(1e-6),
    );
  });

  it('matches an explicit loop over broadcast indices, strided or not', () => {
    fc.assert(
      fc.property(
        broadcastableOperands(finite(0.1, 5), finite(-3, 3)),
        fc.boolean(),
        ({ shapeA, a, shapeB, b }, strided) => {
          const ta = strided
            ? stridedTensor(a, shapeA, 'float64')
            : tensor(a, { shape: shapeA, dtype: 'float64' });
          const out = pow(ta, tensor(b, { shape: shapeB, dtype: 'float64' }));
          const ref = broadcastReference(shapeA, a, shapeB, b, (x, y) => x ** y);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
        },
      ),
    );
  });

  it('sends b·a^(b-1) to a and a^b·ln(a) to b', () => {
    // a = [2., 3.], b = 2 -> a.grad = [4, 6]; b = [2., 2.] -> b.grad = [4 ln 2, 9 ln 3]
    const a = tensor([2, 3], { requiresGrad: true });
    const b = tensor([2, 2], { requiresGrad: true });
    sum(pow(a, b)).backward();
    expectClose(a.grad!.toTypedArray(), [4, 6], tolerance(1e-6));
    expectClose(b.grad!.toTypedArray(), [4 * Math.LN2, 9 * Math.log(3)], tolerance(1e-6));
  });

  it('gives zero gradients instead of NaN at a base of 0 (PyTorch)', () => {
    // torch: x = [0., 0.], y = [0., 2.]; (x ** y).sum().backward() -> x.grad = [0, 0], y.grad = [0, 0]
    const a = tensor([0, 0], { requiresGrad: true });
    const b = tensor([0, 2], { requiresGrad: true });
    sum(pow(a, b)).backward();
    expect(Array.from(a.grad!.toTypedArray())).toEqual([0, 0]);
    expect(Array.from(b.grad!.toTypedArray())).toEqual([0, 0]);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(broadcastableOperands(finite(0.2, 3), finite(-2, 2)), (operands) => {
        checkGradients(pow, operandLeaves(operands), gradientTolerance);
      }),
    );
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => pow(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => pow(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
  });
});
