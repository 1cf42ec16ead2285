import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { repeatInterleave } from './repeat-interleave.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

describe('repeatInterleave', () => {
  it('repeats entries in place like PyTorch', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int32' },
    );
    // torch.repeat_interleave(x, 2) == [1, 1, 2, 2, 3, 3, 4, 4] (flattened)
    expect(repeatInterleave(x, 2).toArray()).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    // dim=1 -> [[1, 1, 2, 2], [3, 3, 4, 4]]
    expect(repeatInterleave(x, 2, 1).toArray()).toEqual([
      [1, 1, 2, 2],
      [3, 3, 4, 4],
    ]);
    expect(repeatInterleave(x, 2, 0).toArray()).toEqual([
      [1, 2],
      [1, 2],
      [3, 4],
      [3, 4],
    ]);
    expect(repeatInterleave(x, 0, 0).shape).toEqual([0, 2]);
    expect(repeatInterleave(scalar(5), 3).toArray()).toEqual([5, 5, 5]);
  });

  it('matches an explicit loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: -2, max: 1 }),
        (a, b, r, axis) => {
          const rows = reshape(arange(a * b), [a, b]);
          const nested = rows.toArray() as number[][];
          const rep = <T>(v: T[]) => v.flatMap((e) => Array<T>(r).fill(e));
          const expected = axis === 0 || axis === -2 ? rep(nested) : nested.map(rep);
          const out = repeatInterleave(rows, r, axis);
          if (out.size > 0) expect(out.toArray()).toEqual(expected);
          else expect(out.size).toBe(0);
        },
      ),
    );
  });

  it('sums the gradient over the copies', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    repeatInterleave(x, 2).backward(tensor([1, 2, 3, 4, 5, 6]));
    expect(x.grad?.toArray()).toEqual([3, 7, 11]);
    const y = tensor([[1, 2]], { requiresGrad: true });
    sum(repeatInterleave(y, 3)).backward();
    expect(y.grad?.toArray()).toEqual([[3, 3]]);
    const values = Array.from({ length: 6 }, (_, i) => Math.sin(i));
    expect(gradError((v) => repeatInterleave(v, 3, 1), values, [2, 3])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError for a negative or fractional repeats', () => {
    expect(() => repeatInterleave(arange(3), -1)).toThrow(InvalidArgumentError);
    expect(() => repeatInterleave(arange(3), 1.5)).toThrow(/repeats must be a non-negative integer; got 1.5/);
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => repeatInterleave(arange(3), 2, 1)).toThrow(InvalidArgumentError);
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
