import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { tensor } from './creation.js';
import { reshape } from './reshape.js';
import { stack } from './stack.js';

describe('stack', () => {
  it('joins along a new axis like PyTorch', () => {
    // torch.stack([tensor([1, 2]), tensor([3, 4])], 1) == [[1, 3], [2, 4]]
    const a = tensor([1, 2]);
    const b = tensor([3, 4]);
    expect(stack([a, b], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([a, b]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(stack([a, b], -1).shape).toEqual([2, 2]);
  });

  it('puts tensor k at index k of the new axis', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.nat(),
        (shape, count, k) => {
          const axis = k % (shape.length + 1);
          const n = shape.reduce((p, q) => p * q, 1);
          const parts = Array.from({ length: count }, (_, i) => reshape(arange(i * n, (i + 1) * n), shape));
          const out = stack(parts, axis);
          expect(out.shape).toEqual([...shape.slice(0, axis), count, ...shape.slice(axis)]);
          const before = shape.slice(0, axis).reduce((p, q) => p * q, 1);
          const after = n / before;
          const flat = out.toTypedArray();
          for (let o = 0; o < before; o++)
            for (let i = 0; i < count; i++)
              for (let j = 0; j < after; j++)
                expect(flat[(o * count + i) * after + j]).toBe(i * n + o * after + j);
        },
      ),
    );
  });

  it('sends each input its slice of the gradient', () => {
    const other = tensor([5, 6, 7]);
    const values = [0.1, -0.2, 0.3];
    checkGradients((x) => stack([x, other], 1), [leaf({ shape: [3], values })], linearGradientTolerance);
    checkGradients((x) => stack([other, x, x]), [leaf({ shape: [3], values })], linearGradientTolerance);
  });

  it('throws ShapeError naming the argument index and both shapes', () => {
    expect(() => stack([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(ShapeError);
    expect(() => stack([tensor([1, 2]), tensor([1, 2]), tensor([[1, 2]])])).toThrow(
      /tensors\[2\] must have shape \(2\) to match tensors\[0\]; got \(1, 2\)/,
    );
  });

  it('throws InvalidArgumentError for an empty list or a bad axis', () => {
    expect(() => stack([])).toThrow(InvalidArgumentError);
    expect(() => stack([tensor([1])], 2)).toThrow(InvalidArgumentError);
  });
});
