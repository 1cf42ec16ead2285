import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastReferenceAll,
  finite,
  gradientTolerance,
  leaf,
  shapeAndBroadcastable,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { maskedFill } from './masked-fill.js';
import { sum } from './sum.js';

/** x's shape and values, and a bool mask whose shape broadcasts to it. */
const operands = shapeAndBroadcastable().chain(([shape, maskShape]) =>
  fc
    .tuple(
      fc.array(finite(-10, 10), { minLength: shapeSize(shape), maxLength: shapeSize(shape) }),
      fc.array(fc.boolean(), { minLength: shapeSize(maskShape), maxLength: shapeSize(maskShape) }),
    )
    .map(([values, mask]) => ({ shape, values, maskShape, mask: mask.map(Number) })),
);

describe('maskedFill', () => {
  it('fills masked positions like PyTorch, broadcasting the mask', () => {
    // torch.tensor([[1., 2., 3.], [4., 5., 6.]]).masked_fill(torch.tensor([False, True, False]), -1e6)
    //   -> [[1., -1e6, 3.], [4., -1e6, 6.]]
    const out = maskedFill(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([false, true, false]),
      -1e6,
    );
    expect(out.shape).toEqual([2, 3]);
    expectClose(out.toTypedArray(), [1, -1e6, 3, 4, -1e6, 6], tolerance(1e-6));
  });

  it("fills -Infinity, and converts the value to x's dtype", () => {
    expectClose(
      maskedFill(tensor([1, 2]), tensor([true, false]), -Infinity).toTypedArray(),
      [-Infinity, 2],
      tolerance(1e-6),
    );
    // torch.tensor([1, 2], dtype=torch.int32).masked_fill(torch.tensor([True, False]), 7) -> [7, 2]
    const ints = maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([true, false]), 7);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([7, 2]);
  });

  it('matches an explicit loop for any mask that broadcasts to x, strided or not', () => {
    fc.assert(
      fc.property(
        operands,
        finite(-100, 100),
        fc.boolean(),
        ({ shape, values, maskShape, mask }, value, strided) => {
          const x = strided
            ? stridedTensor(values, shape, 'float64')
            : tensor(values, { shape, dtype: 'float64' });
          const m = strided
            ? stridedTensor(mask, maskShape, 'bool')
            : tensor(mask, { shape: maskShape, dtype: 'bool' });
          const out = maskedFill(x, m, value);
          const ref = broadcastReferenceAll(
            [
              { shape, values },
              { shape: maskShape, values: mask },
            ],
            ([xi, mi]) => (mi ? value : xi!),
          );
          expect(out.shape).toEqual(shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(0));
        },
      ),
    );
  });

  it('gives a zero gradient at masked positions', () => {
    const x = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    sum(maskedFill(x, tensor([[true], [false]]), 0)).backward();
    expect(x.grad?.toArray()).toEqual([
      [0, 0, 0],
      [1, 1, 1],
    ]);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(operands, ({ shape, values, maskShape, mask }) => {
        const m = tensor(mask, { shape: maskShape, dtype: 'bool' });
        checkGradients((x) => maskedFill(x!, m, 3), [leaf({ shape, values })], gradientTolerance);
      }),
    );
  });

  it("throws ShapeError naming both shapes when mask does not broadcast to x's shape", () => {
    // The pair broadcasts, but to (2, 3), not to x's (3).
    expect(() => maskedFill(tensor([1, 2, 3]), tensor([[true], [false]]), 0)).toThrow(ShapeError);
    expect(() => maskedFill(tensor([1, 2, 3]), tensor([[true], [false]]), 0)).toThrow(/\(3\); got \(2, 1\)/);
    expect(() => maskedFill(tensor([1, 2, 3]), tensor([true, false]), 0)).toThrow(/\(3\); got \(2\)/);
  });

  it('throws InvalidArgumentError when mask is not bool', () => {
    expect(() => maskedFill(tensor([1, 2]), tensor([1, 0]), 0)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when value is not a number', () => {
    expect(() => maskedFill(tensor([1, 2]), tensor([true, false]), '0' as unknown as number)).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => maskedFill([1, 2] as unknown as Tensor, tensor([true, false]), 0)).toThrow(
      InvalidArgumentError,
    );
  });
});
