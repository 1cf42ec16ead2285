import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { scalar, tensor, zeros } from './creation.js';
import { flatten } from './flatten.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';

describe('flatten', () => {
  it('merges the given axes like PyTorch', () => {
    expect(flatten(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(flatten(zeros([2, 3, 4]), 0, 1).shape).toEqual([6, 4]);
    expect(flatten(zeros([2, 3, 4]), -2, -2).shape).toEqual([2, 3, 4]);
    expect(flatten(scalar(3)).toArray()).toEqual([3]);
    expect(
      flatten(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([1, 2, 3, 4]);
  });

  it('returns a view of a contiguous tensor', () => {
    const x = reshape(arange(24), [2, 3, 4]);
    expect(flatten(x, 1).nd.data).toBe(x.nd.data);
  });

  it('keeps row-major order, also for a permuted (non-contiguous) input', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        ([a, b, c]) => {
          const x = permute(reshape(arange(a * b * c), [a, b, c]), [2, 0, 1]); // (c, a, b)
          const expected: number[] = [];
          for (let k = 0; k < c; k++)
            for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) expected.push((i * b + j) * c + k);
          expect(flatten(x).toArray()).toEqual(expected);
          expect((flatten(x, 1).toArray() as number[][]).flat()).toEqual(expected);
        },
      ),
    );
  });

  it('passes the gradient back reshaped', () => {
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    expect(gradError((v) => flatten(v, 1), values, [2, 3, 4])).toBeLessThan(1e-7);
    expect(gradError((v) => flatten(permute(v, [2, 0, 1])), values, [2, 3, 4])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError when startAxis comes after endAxis or an axis is out of range', () => {
    expect(() => flatten(zeros([2, 3, 4]), 2, 1)).toThrow(InvalidArgumentError);
    expect(() => flatten(zeros([2, 3, 4]), 2, 1)).toThrow(/startAxis must not come after endAxis/);
    expect(() => flatten(zeros([2, 3]), 0, 2)).toThrow(/endAxis must be an integer/);
    expect(() => flatten(scalar(1), 1)).toThrow(InvalidArgumentError);
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
