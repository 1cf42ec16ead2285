import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { unsqueeze } from './unsqueeze.js';

describe('unsqueeze', () => {
  it('inserts an axis of extent 1 like PyTorch', () => {
    const x = tensor([1, 2, 3]);
    expect(unsqueeze(x, 0).toArray()).toEqual([[1, 2, 3]]);
    expect(unsqueeze(x, 1).toArray()).toEqual([[1], [2], [3]]);
    expect(unsqueeze(x, -1).shape).toEqual([3, 1]);
    expect(unsqueeze(x, -2).shape).toEqual([1, 3]);
    expect(unsqueeze(scalar(5), 0).toArray()).toEqual([5]);
  });

  it('returns a view that shares storage and stays contiguous', () => {
    const x = reshape(arange(6), [2, 3]);
    const out = unsqueeze(x, 1);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.isContiguous()).toBe(true);
  });

  it('keeps the elements in row-major order at every position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
        fc.nat(),
        (shape, k) => {
          const axis = k % (shape.length + 1);
          const n = shape.reduce((a, b) => a * b, 1);
          const out = unsqueeze(reshape(arange(n), shape), axis);
          expect(out.shape).toEqual([...shape.slice(0, axis), 1, ...shape.slice(axis)]);
          expect(Array.from(out.toTypedArray())).toEqual([...Array(n).keys()]);
        },
      ),
    );
  });

  it('passes the gradient back reshaped', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    unsqueeze(x, 0).backward(tensor([[4, 5, 6]]));
    expect(x.grad?.toArray()).toEqual([4, 5, 6]);
    expect(sum(unsqueeze(x, 1)).requiresGrad).toBe(true);
    const values = Array.from({ length: 6 }, (_, i) => Math.sin(i));
    expect(gradError((v) => unsqueeze(v, 1), values, [2, 3])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError when axis is outside [-ndim-1, ndim]', () => {
    expect(() => unsqueeze(tensor([1, 2]), 2)).toThrow(InvalidArgumentError);
    expect(() => unsqueeze(tensor([1, 2]), -3)).toThrow(/axis must be an integer in \[-2, 1\]/);
  });
});

/**
 * Largest |autograd − central difference| over x's elements of L = Σ f(x)·R for a fixed ±R,
 * in float64 (a local gradient check; R catches a backward that permutes its gradient).
 */
function gradError(f: (x: Tensor) => Tensor, values: readonly number[], shape: readonly number[]): number {
  const x = tensor(values.slice(), { shape, dtype: 'float64', requiresGrad: true });
  const y = f(x);
  const r = Array.from({ length: y.size }, (_, i) => (i % 2 ? -1 : 1) * (0.5 + ((i * 7) % 11) / 11));
  y.backward(tensor(r, { shape: y.shape, dtype: 'float64' }));
  const analytic = x.grad!.toTypedArray();
  const loss = (v: number[]): number => {
    const out = f(tensor(v, { shape, dtype: 'float64' })).toTypedArray();
    return out.reduce((s, o, i) => s + o * r[i]!, 0);
  };
  const eps = 1e-6;
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const plus = values.slice();
    const minus = values.slice();
    plus[i]! += eps;
    minus[i]! -= eps;
    worst = Math.max(worst, Math.abs((loss(plus) - loss(minus)) / (2 * eps) - analytic[i]!));
  }
  return worst;
}
