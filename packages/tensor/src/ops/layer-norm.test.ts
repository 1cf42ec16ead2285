import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finite, gradientTolerance, stridedTensor, tolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { layerNorm } from './layer-norm.js';

/** (x − mean)/√(var + eps)·w + b over rows of n, taken literally in float64. */
function reference(
  values: readonly number[],
  n: number,
  weight: readonly number[] | null,
  bias: readonly number[] | null,
  eps: number,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / n; r++) {
    const row = values.slice(r * n, (r + 1) * n);
    const mu = row.reduce((s, v) => s + v, 0) / n;
    const variance = row.reduce((s, v) => s + (v - mu) ** 2, 0) / n;
    row.forEach((v, j) => {
      out.push(((v - mu) / Math.sqrt(variance + eps)) * (weight?.[j] ?? 1) + (bias?.[j] ?? 0));
    });
  }
  return out;
}

/** A case: leading shape ≤ 2 axes, normalised shape of 1–2 axes, values, weight and bias. */
const cases = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    norm: fc.array(fc.integer({ min: 2, max: 4 }), { minLength: 1, maxLength: 2 }),
    strided: fc.boolean(),
  })
  .chain(({ lead, norm, strided }) => {
    const n = shapeSize(norm);
    return fc.record({
      lead: fc.constant(lead),
      norm: fc.constant(norm),
      strided: fc.constant(strided),
      values: fc.array(finite(-10, 10), { minLength: shapeSize(lead) * n, maxLength: shapeSize(lead) * n }),
      weight: fc.array(finite(-2, 2), { minLength: n, maxLength: n }),
      bias: fc.array(finite(-2, 2), { minLength: n, maxLength: n }),
    });
  });

describe('layerNorm', () => {
  it('normalises a row as F.layer_norm does, without and with weight and bias', () => {
    // Hand-computed: mean 2, biased variance 2/3, so (x − 2)/√(2/3 + 1e-5) = [-1.2247357, 0, 1.2247357].
    const x = tensor([[1, 2, 3]]);
    expectClose(layerNorm(x, [3]).toTypedArray(), [-1.2247357, 0, 1.2247357], tolerance(1e-6));
    // With weight [1, 2, 3] and bias [0, 1, -1]: [-1.2247357, 1, 3·1.2247357 − 1 = 2.6742071].
    const out = layerNorm(x, [3], tensor([1, 2, 3]), tensor([0, 1, -1]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [-1.2247357, 1, 2.6742071], tolerance(1e-6));
  });

  it('normalises over the last two axes and promotes to the weight dtype', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8], { shape: [2, 2, 2] });
    const w = tensor([1, 1, 1, 1], { shape: [2, 2], dtype: 'float64' });
    const out = layerNorm(x, [2, 2], w, null);
    expect(out.dtype).toBe('float64');
    expect(out.shape).toEqual([2, 2, 2]);
    // Each (2, 2) block is [k, k+1, k+2, k+3]: mean k+1.5, variance 1.25.
    const row = [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25 + 1e-5));
    expectClose(out.toTypedArray(), [...row, ...row], tolerance(1e-6));
  });

  it('uses eps inside the square root', () => {
    // A constant row has variance 0: (x − μ)/√eps = 0; the row [0, 2] gives ±1/√(1 + eps).
    const out = layerNorm(
      tensor(
        [
          [5, 5],
          [0, 2],
        ],
        { dtype: 'float64' },
      ),
      [2],
      null,
      null,
      0.5,
    );
    expectClose(out.toTypedArray(), [0, 0, -1 / Math.sqrt(1.5), 1 / Math.sqrt(1.5)], tolerance(1e-12));
  });

  it('matches an explicit loop for any leading shape and layout', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const shape = [...c.lead, ...c.norm];
        const x = c.strided
          ? stridedTensor(c.values, shape, 'float64')
          : tensor(c.values, { shape, dtype: 'float64' });
        const w = tensor(c.weight, { shape: c.norm, dtype: 'float64' });
        const b = tensor(c.bias, { shape: c.norm, dtype: 'float64' });
        const out = layerNorm(x, c.norm, w, b, 1e-5);
        expect(out.shape).toEqual(shape);
        expectClose(
          out.toTypedArray(),
          reference(c.values, shapeSize(c.norm), c.weight, c.bias, 1e-5),
          tolerance(1e-9),
        );
      }),
    );
  });

  it('gives rows of mean 0 and biased variance 1 without weight and bias', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const n = shapeSize(c.norm);
        // Rows spread so the variance is not near zero; the output's variance is then
        // var / (var + eps) exactly (eps = 1e-5), which a small-variance row pulls below 1.
        const values = c.values.map((v, i) => v + (i % n) * 3);
        const out = layerNorm(tensor(values, { shape: [...c.lead, ...c.norm], dtype: 'float64' }), c.norm);
        const y = Array.from(out.toTypedArray());
        for (let r = 0; r < y.length / n; r++) {
          const row = y.slice(r * n, (r + 1) * n);
          const x = values.slice(r * n, (r + 1) * n);
          const xMean = x.reduce((s, v) => s + v, 0) / n;
          const variance = x.reduce((s, v) => s + (v - xMean) ** 2, 0) / n;
          const mu = row.reduce((s, v) => s + v, 0) / n;
          expect(Math.abs(mu)).toBeLessThan(1e-9);
          expect(row.reduce((s, v) => s + v * v, 0) / n).toBeCloseTo(variance / (variance + 1e-5), 9);
        }
      }),
    );
  });

  it('gives the hand-computed gradient of one row', () => {
    // x = [1, 2, 4], w = [1, 2, 3], g = [1, 0, 0]: μ = 7/3, ρ = 1/√(14/9 + 1e-5), x̂ = (x − μ)·ρ;
    // dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) = [0.2290823, -0.3436200, 0.1145377] (central differences
    // agree to 1e-9), dw = g·x̂ = [-1.0690415, 0, 0], db = g.
    const x = tensor([[1, 2, 4]], { requiresGrad: true });
    const w = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([0, 0, 0], { requiresGrad: true });
    layerNorm(x, [3], w, b).backward(tensor([[1, 0, 0]]));
    expectClose(x.grad!.toTypedArray(), [0.2290823, -0.34362, 0.1145377], tolerance(1e-6));
    expectClose(w.grad!.toTypedArray(), [-1.0690415, 0, 0], tolerance(1e-6));
    expectClose(b.grad!.toTypedArray(), [1, 0, 0], tolerance(1e-7));
  });

  it('has gradients in x, weight and bias matching finite differences', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const shape = [...c.lead, ...c.norm];
        const n = shapeSize(c.norm);
        // Keep the variance of every row well above 0 so the function is smooth at the sample.
        const values = c.values.map((v, i) => v + (i % n) * 3);
        const x = tensor(values, { shape, dtype: 'float64', requiresGrad: true });
        const w = tensor(c.weight, { shape: c.norm, dtype: 'float64', requiresGrad: true });
        const b = tensor(c.bias, { shape: c.norm, dtype: 'float64', requiresGrad: true });
        checkGradients((xs, ws, bs) => layerNorm(xs!, c.norm, ws, bs), [x, w, b], gradientTolerance);
      }),
      { numRuns: 30 },
    );
  });

  it('passes gradients to x alone when weight and bias do not require them', () => {
    const x = tensor([[1, 2, 4]], { dtype: 'float64', requiresGrad: true });
    const w = tensor([1, 2, 3], { dtype: 'float64' });
    checkGradients((xs) => layerNorm(xs, [3], w), [x], gradientTolerance);
    expect(w.grad).toBeNull();
  });

  it('throws ShapeError when the trailing axes of x are not normalizedShape', () => {
    expect(() => layerNorm(tensor([[1, 2, 3]]), [2])).toThrow(ShapeError);
    expect(() => layerNorm(tensor([1, 2]), [1, 2])).toThrow(
      /^layerNorm: x must have shape \(\.\.\., 1, 2\); got \(2\)\.$/,
    );
  });

  it('throws ShapeError when weight or bias does not have shape normalizedShape', () => {
    const x = tensor([[1, 2, 3]]);
    expect(() => layerNorm(x, [3], tensor([1, 2]))).toThrow(
      /^layerNorm: weight must have shape \(3\); got \(2\)\.$/,
    );
    expect(() => layerNorm(x, [3], null, tensor([[1, 2, 3]]))).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for an empty normalizedShape, a bad eps or a non-tensor x', () => {
    const x = tensor([[1, 2, 3]]);
    expect(() => layerNorm(x, [])).toThrow(InvalidArgumentError);
    expect(() => layerNorm(x, [3], null, null, -1)).toThrow(/^layerNorm: eps must be a finite number ≥ 0/);
    expect(() => layerNorm(x, [3], null, null, Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(() => layerNorm([1, 2, 3] as unknown as Tensor, [3])).toThrow(InvalidArgumentError);
    expect(() => layerNorm(x, [3], [1, 1, 1] as unknown as Tensor)).toThrow(
      /^layerNorm: weight must be a Tensor/,
    );
  });
});
