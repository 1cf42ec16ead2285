import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { concat } from './concat.js';
import { scalar, tensor } from './creation.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';
import { split } from './split.js';
import { sum } from './sum.js';

/** Three shapes of rank 1–3 (sides ≤ 4) that agree except along `axis`. */
const joinable = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
  .chain((base) =>
    fc.tuple(
      fc.constant(base),
      fc.integer({ min: 0, max: base.length - 1 }),
      fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
    ),
  );

describe('concat', () => {
  it('joins along an axis like PyTorch', () => {
    // torch.cat([arange(4).reshape(2, 2), arange(6).reshape(2, 3)], 1)
    const out = concat([reshape(arange(4), [2, 2]), reshape(arange(6), [2, 3])], 1);
    expect(out.toArray()).toEqual([
      [0, 1, 0, 1, 2],
      [2, 3, 3, 4, 5],
    ]);
    expect(concat([tensor([[1, 2]]), tensor([[3, 4]])], -2).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('promotes dtypes and copies strided inputs', () => {
    const a = tensor([1, 2], { dtype: 'int32' });
    const b = tensor([0.5]);
    const out = concat([a, b]);
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([1, 2, 0.5]);
    const t = permute(reshape(arange(6), [2, 3]), [1, 0]); // [[0, 3], [1, 4], [2, 5]]
    expect(concat([t, t], 1).toArray()).toEqual([
      [0, 3, 0, 3],
      [1, 4, 1, 4],
      [2, 5, 2, 5],
    ]);
  });

  it('matches an explicit loop and round-trips through split', () => {
    fc.assert(
      fc.property(joinable, ([base, axis, extents]) => {
        let next = 0;
        const parts = extents.map((e) => {
          const shape = base.map((d, j) => (j === axis ? e : d));
          const n = shape.reduce((p, q) => p * q, 1);
          const t = reshape(arange(next, next + n), shape);
          next += n;
          return t;
        });
        const out = concat(parts, axis);
        expect(out.shape[axis]).toBe(extents.reduce((p, q) => p + q, 0));
        // Explicit loop: the nested arrays joined at depth `axis`.
        const join = (xs: unknown[], depth: number): unknown =>
          depth === 0
            ? (xs as unknown[][]).flat(1)
            : (xs[0] as unknown[]).map((_, i) =>
                join(
                  (xs as unknown[][]).map((x) => x[i]),
                  depth - 1,
                ),
              );
        if (out.numel() > 0)
          expect(out.toArray()).toEqual(
            join(
              parts.map((p) => p.toArray() as unknown[]),
              axis,
            ),
          );
        const back = split(out, extents, axis);
        back.forEach((b, i) => {
          expect(b.shape).toEqual(parts[i]!.shape);
          expect(Array.from(b.toTypedArray())).toEqual(Array.from(parts[i]!.toTypedArray()));
        });
      }),
    );
  });

  it('sends each input its slab of the gradient', () => {
    const a = tensor([[1, 2]], { requiresGrad: true });
    const b = tensor([[3, 4]], { requiresGrad: true });
    concat([a, b]).backward(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expect(a.grad?.toArray()).toEqual([[1, 2]]);
    expect(b.grad?.toArray()).toEqual([[3, 4]]);
    const other = tensor([
      [9, 8, 7],
      [6, 5, 4],
    ]);
    const values = Array.from({ length: 4 }, (_, i) => Math.sin(i));
    checkGradients((x) => concat([x, other], 1), [leaf({ shape: [2, 2], values })], linearGradientTolerance);
    checkGradients(
      (x) => concat([other, x, x], 1),
      [leaf({ shape: [2, 2], values })],
      linearGradientTolerance,
    );
  });

  it('casts the gradient back to each input dtype after promotion', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { dtype: 'float64', requiresGrad: true });
    sum(concat([a, b])).backward();
    expect(a.grad?.dtype).toBe('float32');
    expect(b.grad?.dtype).toBe('float64');
    expect(a.grad?.toArray()).toEqual([1, 1]);
  });

  it('throws ShapeError naming the argument index and both shapes', () => {
    const a = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(() => concat([a, a, tensor([[1, 2, 3]])])).toThrow(ShapeError);
    expect(() => concat([a, a, tensor([[1, 2, 3]])])).toThrow(
      /tensors\[2\] must have shape \(\*, 2\) to match tensors\[0\] \(2, 2\) off axis 0; got \(1, 3\)/,
    );
    expect(() => concat([a, tensor([1, 2])])).toThrow(/tensors\[1\].*got \(2\)/);
    expect(() => concat([scalar(1), scalar(2)])).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for an empty list or a bad axis', () => {
    expect(() => concat([])).toThrow(InvalidArgumentError);
    expect(() => concat([tensor([1])], 1)).toThrow(InvalidArgumentError);
  });
});
