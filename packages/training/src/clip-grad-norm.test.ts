import { Parameter } from '@attnkit/layers';
import { add, InvalidArgumentError, sum, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { clipGradNorm } from './clip-grad-norm.js';

function withGrad(values: number[], shape = [values.length]): Parameter {
  const p = new Parameter(
    tensor(
      values.map(() => 0),
      { shape, dtype: 'float64' },
    ),
  );
  p.grad = tensor(values, { shape, dtype: 'float64' });
  return p;
}

describe('clipGradNorm', () => {
  it('scales gradients of joint norm 5 down to norm 1 and returns 5', () => {
    const a = withGrad([3]);
    const b = withGrad([4]);
    expect(clipGradNorm([a, b], 1)).toBeCloseTo(5, 12);
    expectAllClose(a.grad as Tensor, [3 / (5 + 1e-6)], 1e-15, 0);
    expectAllClose(b.grad as Tensor, [4 / (5 + 1e-6)], 1e-15, 0);
  });

  it('leaves gradients below maxNorm unchanged', () => {
    const a = withGrad([0.3, -0.4]);
    expect(clipGradNorm([a], 1)).toBeCloseTo(0.5, 12);
    expectAllClose(a.grad as Tensor, [0.3, -0.4], 0, 0);
  });

  it('uses the largest |g| for normType Infinity and the sum of |g| for normType 1', () => {
    expect(
      clipGradNorm([withGrad([1, -7]), withGrad([2])], 100, { normType: Number.POSITIVE_INFINITY }),
    ).toBeCloseTo(7, 12);
    expect(clipGradNorm([withGrad([1, -7]), withGrad([2])], 100, { normType: 1 })).toBeCloseTo(10, 12);
  });

  it('ignores parameters without gradients and returns 0 when none has one', () => {
    const none = new Parameter(tensor([1, 2]));
    expect(clipGradNorm([none], 1)).toBe(0);
    expect(clipGradNorm([none, withGrad([6, 8])], 1)).toBeCloseTo(10, 12);
    expect(none.grad).toBeNull();
  });

  it('scales gradients that share storage once each', () => {
    // a + b gives both leaves the same gradient tensor; clipping in place would scale it twice.
    const a = new Parameter(tensor([0, 0], { dtype: 'float64' }));
    const b = new Parameter(tensor([0, 0], { dtype: 'float64' }));
    sum(add(a, b)).backward();
    const total = clipGradNorm([a, b], 1);
    expect(total).toBeCloseTo(2, 12);
    expectAllClose(a.grad as Tensor, [0.5, 0.5], 1e-6, 0);
    expectAllClose(b.grad as Tensor, [0.5, 0.5], 1e-6, 0);
  });

  it('returns the explicit p-norm and leaves a norm of at most maxNorm in the same direction', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(1, 2, 3, Number.POSITIVE_INFINITY),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        (g1, g2, p, maxNorm) => {
          const all = [...g1, ...g2];
          const norm = (xs: number[]) =>
            p === Number.POSITIVE_INFINITY
              ? Math.max(...xs.map(Math.abs))
              : xs.reduce((s, x) => s + Math.abs(x) ** p, 0) ** (1 / p);
          const expected = norm(all);
          const a = withGrad(g1);
          const b = withGrad(g2);
          const total = clipGradNorm([a, b], maxNorm, { normType: p });
          expect(total).toBeCloseTo(expected, 9);
          const after = [...(a.grad as Tensor).toTypedArray(), ...(b.grad as Tensor).toTypedArray()];
          expect(norm(after)).toBeLessThanOrEqual(Math.max(maxNorm, 0) + 1e-9);
          const coef = Math.min(1, maxNorm / (expected + 1e-6));
          after.forEach((v, i) => {
            expect(v).toBeCloseTo(all[i]! * coef, 9);
          });
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a negative maxNorm or a normType that is not > 0', () => {
    const p = [withGrad([1])];
    expect(() => clipGradNorm(p, -1)).toThrow('clipGradNorm: maxNorm must be a finite number ≥ 0; got -1.');
    expect(() => clipGradNorm(p, 1, { normType: 0 })).toThrow(
      'clipGradNorm: normType must be a number > 0 or Infinity; got 0.',
    );
    expect(() => clipGradNorm(p, 1, { normType: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when parameters holds a non-Tensor', () => {
    expect(() => clipGradNorm([withGrad([1]), [1, 2] as unknown as Tensor], 1)).toThrow(
      'clipGradNorm: parameters[1] must be a Tensor; got an array.',
    );
  });
});
