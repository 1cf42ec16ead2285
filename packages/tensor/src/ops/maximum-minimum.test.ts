// maximum and minimum differ only in the comparison, so one suite runs for both: a table row per
// op gives its explicit-loop reference, which side wins, and its PyTorch examples.
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
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { maximum } from './maximum.js';
import { minimum } from './minimum.js';
import { sum } from './sum.js';

interface ExtremumCase {
  name: string;
  op: (a: Tensor, b: Tensor) => Tensor;
  /** The float64 function the op computes, applied by an explicit loop. */
  reference: (a: number, b: number) => number;
  /** 'larger' or 'smaller': the input that receives the gradient. */
  winner: string;
  /** op([1, 5, 3], [4, 2, 3]) in PyTorch. */
  expected: number[];
  /** a.grad and b.grad of sum(op(a, b)) at a = [1, 5, 3], b = [4, 2, 3] in PyTorch. */
  grads: [number[], number[]];
}

const cases: ExtremumCase[] = [
  {
    name: 'maximum',
    op: maximum,
    reference: Math.max,
    winner: 'larger',
    // torch.maximum(torch.tensor([1., 5., 3.]), torch.tensor([4., 2., 3.])) -> [4, 5, 3]
    expected: [4, 5, 3],
    // PyTorch: a = [1., 5., 3.], b = [4., 2., 3.] -> a.grad = [0, 1, 0.5], b.grad = [1, 0, 0.5]
    grads: [
      [0, 1, 0.5],
      [1, 0, 0.5],
    ],
  },
  {
    name: 'minimum',
    op: minimum,
    reference: Math.min,
    winner: 'smaller',
    // torch.minimum(torch.tensor([1., 5., 3.]), torch.tensor([4., 2., 3.])) -> [1, 2, 3]
    expected: [1, 2, 3],
    // PyTorch: a = [1., 5., 3.], b = [4., 2., 3.] -> a.grad = [1, 0, 0.5], b.grad = [0, 1, 0.5]
    grads: [
      [1, 0, 0.5],
      [0, 1, 0.5],
    ],
  },
];

// Values k + 0.25 against k + 0.75: never tied, at least 0.5 apart (far from the kink for ±eps).
const quarter = fc.integer({ min: -5, max: 5 }).map((k) => k + 0.25);
const threeQuarters = fc.integer({ min: -5, max: 5 }).map((k) => k + 0.75);

for (const { name, op, reference, winner, expected, grads } of cases) {
  describe(name, () => {
    it(`takes the elementwise ${name} like PyTorch`, () => {
      expectClose(op(tensor([1, 5, 3]), tensor([4, 2, 3])).toTypedArray(), expected, tolerance(1e-6));
    });

    it('propagates NaN from either side', () => {
      expectClose(
        op(tensor([Number.NaN, 1]), tensor([0, Number.NaN])).toTypedArray(),
        [NaN, NaN],
        tolerance(1e-6),
      );
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
            const out = op(ta, tensor(b, { shape: shapeB, dtype: 'float64' }));
            const ref = broadcastReference(shapeA, a, shapeB, b, reference);
            expect(out.shape).toEqual(ref.shape);
            expectClose(out.toTypedArray(), ref.values, tolerance(0));
          },
        ),
      );
    });

    it(`sends the gradient to the ${winner} input and splits ties 0.5/0.5`, () => {
      const a = tensor([1, 5, 3], { requiresGrad: true });
      const b = tensor([4, 2, 3], { requiresGrad: true });
      sum(op(a, b)).backward();
      expectClose(a.grad!.toTypedArray(), grads[0], tolerance(1e-6));
      expectClose(b.grad!.toTypedArray(), grads[1], tolerance(1e-6));
    });

    it('matches central finite differences away from ties', () => {
      fc.assert(
        fc.property(broadcastableOperands(quarter, threeQuarters), (operands) => {
          checkGradients(op, operandLeaves(operands), gradientTolerance);
        }),
      );
    });

    it('throws ShapeError naming both shapes when they do not broadcast', () => {
      expect(() => op(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
      expect(() => op(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
    });
  });
}
