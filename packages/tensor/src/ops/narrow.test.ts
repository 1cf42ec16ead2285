import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { narrow } from './narrow.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

describe('narrow', () => {
  it('keeps length consecutive entries like PyTorch', () => {
    // torch.tensor([[1, 2, 3], [4, 5, 6]]).narrow(1, 1, 2) == [[2, 3], [5, 6]]
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(narrow(x, 1, 1, 2).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    // narrow(0, -1, 1) == [[4, 5, 6]]
    expect(narrow(x, 0, -1, 1).toArray()).toEqual([[4, 5, 6]]);
    expect(narrow(x, 1, 3, 0).shape).toEqual([2, 0]);
  });

  it('returns a view that shares storage', () => {
    const x = reshape(arange(12), [3, 4]);
    const out = narrow(x, 0, 1, 2);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.nd.offset).toBe(4);
    expect(out.isContiguous()).toBe(true);
  });

  it('scatters the gradient into zeros at the kept positions', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    sum(narrow(x, 0, 1, 2)).backward();
    expect(x.grad?.toArray()).toEqual([0, 1, 1, 0]);
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    expect(gradError((v) => narrow(v, 1, 1, 2), values, [2, 4, 3])).toBeLessThan(1e-7);
    expect(gradError((v) => narrow(v, -1, 0, 2), values, [2, 4, 3])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError when the range leaves the axis', () => {
    const x = arange(4);
    expect(() => narrow(x, 0, 3, 2)).toThrow(InvalidArgumentError);
    expect(() => narrow(x, 0, 3, 2)).toThrow(/length must be an integer in \[0, 1\].*got 2/);
    expect(() => narrow(x, 0, 5, 0)).toThrow(/start must be an integer in \[-4, 4\]/);
    expect(() => narrow(x, 0, -5, 1)).toThrow(InvalidArgumentError);
    expect(() => narrow(x, 0, 0, -1)).toThrow(InvalidArgumentError);
    expect(() => narrow(x, 1, 0, 1)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for a 0-d tensor', () => {
    expect(() => narrow(scalar(1), 0, 0, 1)).toThrow(ShapeError);
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
