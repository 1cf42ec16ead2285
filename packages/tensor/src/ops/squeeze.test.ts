import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { tensor, zeros } from './creation.js';
import { reshape } from './reshape.js';
import { squeeze } from './squeeze.js';

describe('squeeze', () => {
  it('removes every axis of extent 1 by default', () => {
    expect(squeeze(zeros([2, 1, 3, 1])).shape).toEqual([2, 3]);
    expect(squeeze(tensor([[[7]]])).shape).toEqual([]);
    expect(squeeze(tensor([[1], [2]])).toArray()).toEqual([1, 2]);
  });

  it('removes only the given axes, leaving a non-1 axis in place as PyTorch does', () => {
    const x = zeros([2, 1, 3, 1]);
    expect(squeeze(x, 1).shape).toEqual([2, 3, 1]);
    expect(squeeze(x, -1).shape).toEqual([2, 1, 3]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(x, [0, 3]).shape).toEqual([2, 1, 3]);
  });

  it('returns a view that shares storage', () => {
    const x = reshape(arange(6), [1, 2, 1, 3]);
    const out = squeeze(x);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.nd.stride).toEqual([3, 1]);
    expect(out.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('passes the gradient back reshaped', () => {
    const x = tensor([[1], [2]], { requiresGrad: true });
    squeeze(x).backward(tensor([3, 4]));
    expect(x.grad?.toArray()).toEqual([[3], [4]]);
    const values = Array.from({ length: 6 }, (_, i) => Math.sin(i));
    expect(gradError((v) => squeeze(v), values, [2, 1, 3])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError when an axis is out of range', () => {
    expect(() => squeeze(zeros([2, 1]), 2)).toThrow(InvalidArgumentError);
    expect(() => squeeze(zeros([2, 1]), [-3])).toThrow(/axis must be an integer in \[-2, 1\]/);
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
