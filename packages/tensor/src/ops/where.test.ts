import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastableShapes,
  broadcastReferenceAll,
  finite,
  gradientTolerance,
  leaf,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import { tensor } from './creation.js';
import { sum } from './sum.js';
import { where } from './where.js';

/** Three broadcastable shapes with bool values for cond and floats for a and b. */
const operands = broadcastableShapes(3).chain(([sc, sa, sb]) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: shapeSize(sc!), maxLength: shapeSize(sc!) }),
      fc.array(finite(-10, 10), { minLength: shapeSize(sa!), maxLength: shapeSize(sa!) }),
      fc.array(finite(-10, 10), { minLength: shapeSize(sb!), maxLength: shapeSize(sb!) }),
    )
    .map(([c, a, b]) => ({ sc: sc!, c: c.map(Number), sa: sa!, a, sb: sb!, b })),
);

describe('where', () => {
  it('selects with broadcasting like torch.where', () => {
    // torch.where(torch.tensor([[True, False], [False, True]]), torch.tensor([[1., 2.], [3., 4.]]),
    //             torch.tensor([10., 20.])) -> [[1., 20.], [10., 4.]]
    const cond = tensor([
      [true, false],
      [false, true],
    ]);
    const out = where(
      cond,
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([10, 20]),
    );
    expect(out.shape).toEqual([2, 2]);
    expectClose(out.toTypedArray(), [1, 20, 10, 4], tolerance(1e-6));
  });

  it('takes numbers and promotes a and b like PyTorch', () => {
    // torch.where(torch.tensor([True, False]), torch.tensor([1, 2], dtype=torch.int32), 0.5) -> float [1.0, 0.5]
    const out = where(tensor([true, false]), tensor([1, 2], { dtype: 'int32' }), 0.5);
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [1, 0.5], tolerance(1e-6));
    expect(where(tensor([true, false]), 7, tensor([1, 2], { dtype: 'int32' })).toArray()).toEqual([7, 2]);
  });

  it('matches an explicit loop over the broadcast of all three, strided or not', () => {
    fc.assert(
      fc.property(operands, fc.boolean(), ({ sc, c, sa, a, sb, b }, strided) => {
        const cond = strided ? stridedTensor(c, sc, 'bool') : tensor(c, { shape: sc, dtype: 'bool' });
        const ta = strided ? stridedTensor(a, sa, 'float64') : tensor(a, { shape: sa, dtype: 'float64' });
        const out = where(cond, ta, tensor(b, { shape: sb, dtype: 'float64' }));
        const ref = broadcastReferenceAll(
          [
            { shape: sc, values: c },
            { shape: sa, values: a },
            { shape: sb, values: b },
          ],
          ([ci, ai, bi]) => (ci ? ai! : bi!),
        );
        expect(out.shape).toEqual(ref.shape);
        expectClose(out.toTypedArray(), ref.values, tolerance(0));
      }),
    );
  });

  it('sends the gradient to a where cond holds and to b elsewhere, summed over broadcast axes', () => {
    const cond = tensor([
      [true, false, true],
      [false, false, true],
    ]);
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([[4], [5]], { requiresGrad: true });
    sum(where(cond, a, b)).backward();
    expect(a.grad?.toArray()).toEqual([1, 0, 2]);
    expect(b.grad?.toArray()).toEqual([[1], [2]]);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(operands, ({ sc, c, sa, a, sb, b }) => {
        const cond = tensor(c, { shape: sc, dtype: 'bool' });
        checkGradients(
          (ta, tb) => where(cond, ta!, tb!),
          [leaf({ shape: sa, values: a }), leaf({ shape: sb, values: b })],
          gradientTolerance,
        );
      }),
    );
  });

  it('throws ShapeError naming both shapes when a and b do not broadcast', () => {
    const cond = tensor([true, false]);
    expect(() => where(cond, tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => where(cond, tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/a \(1, 2\) and b \(3\)/);
  });

  it('throws ShapeError naming both shapes when cond does not broadcast with a and b', () => {
    const cond = tensor([true, false, true]);
    expect(() => where(cond, tensor([1, 2]), 0)).toThrow(ShapeError);
    expect(() => where(cond, tensor([1, 2]), 0)).toThrow(/cond \(3\) and the broadcast of a and b \(2\)/);
  });

  it('throws InvalidArgumentError when cond is not bool', () => {
    expect(() => where(tensor([1, 0]), tensor([1, 2]), 0)).toThrow(InvalidArgumentError);
    expect(() => where(tensor([1, 0]), tensor([1, 2]), 0)).toThrow(/cond must have dtype bool; got float32/);
  });

  it('takes two numbers, as torch.where(cond, 1.0, 0.0): int32 for integers, float32 otherwise', () => {
    const cond = tensor([true, false]);
    const ints = where(cond, 1, 0);
    expect([ints.dtype, ints.toArray()]).toEqual(['int32', [1, 0]]);
    const floats = where(cond, 0.5, 0);
    expect([floats.dtype, floats.toArray()]).toEqual(['float32', [0.5, 0]]);
  });

  it('throws InvalidArgumentError when a or b is neither a Tensor nor a number', () => {
    expect(() => where(tensor([true]), '1' as never, 2)).toThrow(InvalidArgumentError);
  });
});
