import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { sum } from './sum.js';

/** Python's `v[start:end:step]` for a positive step: Array.prototype.slice has the same index rules. */
function pySlice<T>(v: readonly T[], start: number, end: number | undefined, step: number): T[] {
  return v.slice(start, end).filter((_, k) => k % step === 0);
}

describe('slice', () => {
  it('follows Python slicing with negative indices and steps', () => {
    // torch.arange(10)[-3:] == [7, 8, 9]; [1:8:3] == [1, 4, 7]; [-100:2] == [0, 1]; [5:2] is empty
    expect(slice(arange(10), 0, -3).toArray()).toEqual([7, 8, 9]);
    expect(slice(arange(10), 0, 1, 8, 3).toArray()).toEqual([1, 4, 7]);
    expect(slice(arange(10), 0, -100, 2).toArray()).toEqual([0, 1]);
    expect(slice(arange(10), 0, 5, 2).shape).toEqual([0]);
    expect(slice(arange(10), 0, 8, 100).toArray()).toEqual([8, 9]);
  });

  it('slices an inner axis like PyTorch', () => {
    // torch.arange(12).reshape(3, 4)[:, 1::2] == [[1, 3], [5, 7], [9, 11]]
    expect(slice(reshape(arange(12), [3, 4]), 1, 1, undefined, 2).toArray()).toEqual([
      [1, 3],
      [5, 7],
      [9, 11],
    ]);
  });

  it('returns a view that shares storage and copies nothing', () => {
    const x = reshape(arange(12), [3, 4]);
    const out = slice(x, 1, 1, 4, 2);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.nd.offset).toBe(1);
    expect(out.nd.stride).toEqual([4, 2]);
  });

  it('matches an explicit loop over Python slice semantics', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: -8, max: 8 }),
        fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }),
        fc.integer({ min: 1, max: 4 }),
        (n, start, end, step) => {
          const values = [...Array(n).keys()];
          expect(slice(arange(n), 0, start, end, step).toArray()).toEqual(pySlice(values, start, end, step));
        },
      ),
    );
  });

  it('matches an explicit loop on every axis of a 3-D tensor', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: -5, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (shape, axis, start, end, step) => {
          const x = reshape(arange(shape[0] * shape[1] * shape[2]), shape);
          const nested = x.toArray() as number[][][];
          const expected =
            axis === 0
              ? pySlice(nested, start, end, step)
              : axis === 1
                ? nested.map((m) => pySlice(m, start, end, step))
                : nested.map((m) => m.map((r) => pySlice(r, start, end, step)));
          const out = slice(x, axis, start, end, step);
          if (out.size > 0) expect(out.toArray()).toEqual(expected);
          else expect(out.shape[axis]).toBe(0);
        },
      ),
    );
  });

  it('scatters the gradient into zeros at the sliced positions', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], { requiresGrad: true });
    sum(slice(x, 0, 1, 6, 2)).backward();
    expect(x.grad?.toArray()).toEqual([0, 1, 0, 1, 0, 1]);
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    expect(gradError((v) => slice(v, 1, 1, 6, 2), values, [2, 6, 2])).toBeLessThan(1e-7);
    expect(gradError((v) => slice(v, -1, -1), values, [2, 6, 2])).toBeLessThan(1e-7);
    expect(gradError((v) => slice(v, 0, 1), values, [2, 6, 2])).toBeLessThan(1e-7);
  });

  it('throws InvalidArgumentError for a non-positive or fractional step', () => {
    expect(() => slice(arange(5), 0, 0, 5, 0)).toThrow(InvalidArgumentError);
    expect(() => slice(arange(5), 0, 4, 0, -1)).toThrow(/step must be a positive integer; got -1/);
    expect(() => slice(arange(5), 0, 0, 5, 1.5)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a fractional start or end or a bad axis', () => {
    expect(() => slice(arange(5), 0, 0.5)).toThrow(/start must be an integer/);
    expect(() => slice(arange(5), 0, 0, 2.5)).toThrow(/end must be an integer/);
    expect(() => slice(arange(5), 1, 0)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for a 0-d tensor', () => {
    expect(() => slice(scalar(1), 0, 0)).toThrow(ShapeError);
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
