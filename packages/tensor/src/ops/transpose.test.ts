import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { tensor } from './creation.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

describe('transpose', () => {
  it('swaps the last two axes by default', () => {
    expect(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('swaps the given axes like PyTorch', () => {
    // torch.arange(24).reshape(2, 3, 4).transpose(0, 2).shape == (4, 3, 2); [1][2] == [9, 21]
    const out = transpose(reshape(arange(24), [2, 3, 4]), 0, 2);
    expect(out.shape).toEqual([4, 3, 2]);
    expect((out.toArray() as number[][][])[1]![2]).toEqual([9, 21]);
  });

  it('returns a view that shares storage', () => {
    const x = reshape(arange(6), [2, 3]);
    expect(transpose(x).nd.data).toBe(x.nd.data);
  });

  it('matches an explicit loop over a batch of matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (b, m, n) => {
          const x = reshape(arange(b * m * n), [b, m, n]);
          const out = transpose(x).toArray() as number[][][];
          for (let i = 0; i < b; i++)
            for (let j = 0; j < m; j++)
              for (let k = 0; k < n; k++) expect(out[i]![k]![j]).toBe((i * m + j) * n + k);
        },
      ),
    );
  });

  it('passes the gradient back transposed', () => {
    const values = Array.from({ length: 12 }, (_, i) => Math.cos(i));
    expect(gradError((x) => transpose(x), values, [2, 2, 3])).toBeLessThan(1e-7);
    expect(gradError((x) => transpose(x, 0, -1), values, [2, 2, 3])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError when an axis is out of range', () => {
    expect(() => transpose(tensor([1, 2, 3]))).toThrow(InvalidArgumentError);
    expect(() => transpose(tensor([[1, 2]]), 0, 2)).toThrow(/axis1 must be an integer in \[-2, 1\]/);
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
