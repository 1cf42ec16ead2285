import { InvalidArgumentError, mul, ShapeError, sum, type Tensor, tensor } from '@attnkit/tensor';
import { checkParameterGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayerNorm } from './layer-norm.js';

/** PyTorch float32 outputs to 5 decimals: |actual − expected| ≤ 1e-5. */
const float32Close = { atol: 1e-5, rtol: 0 };

describe('LayerNorm', () => {
  it('normalises each row of [[1, 2, 3], [4, 5, 7]] as PyTorch does', () => {
    const out = new LayerNorm({ normalizedShape: 3 }).forward(
      tensor([
        [1, 2, 3],
        [4, 5, 7],
      ]),
    );
    expect(out.shape).toEqual([2, 3]);
    // (x − mean) / √(var + 1e-5) with the biased variance: row 1 var 2/3, row 2 var 14/9.
    expectClose(
      out.toTypedArray(),
      [-1.2247357, 0, 1.2247357, -1.0690415, -0.2672604, 1.3363019],
      float32Close,
    );
  });

  it('normalises over the last two axes for a two-extent normalizedShape', () => {
    const out = new LayerNorm({ normalizedShape: [2, 3] }).forward(
      tensor([
        [
          [1, 2, 3],
          [4, 5, 7],
        ],
      ]),
    );
    // mean 11/3, biased variance 35/9 over all six values.
    expectClose(
      out.toTypedArray(),
      [-1.3522451, -0.8451532, -0.3380613, 0.1690306, 0.6761225, 1.6903063],
      float32Close,
    );
  });

  it('uses eps inside the square root', () => {
    const out = new LayerNorm({ normalizedShape: 3, eps: 0.5 }).forward(tensor([1, 2, 3]));
    expectClose(out.toTypedArray(), [-0.9258201, 0, 0.9258201], float32Close); // (x − 2) / √(2/3 + 0.5)
  });

  it('starts with weight ones and bias zeros under the PyTorch keys', () => {
    const ln = new LayerNorm({ normalizedShape: [2, 3] });
    expect(Object.keys(ln.stateDict())).toEqual(['weight', 'bias']);
    expect(ln.weight?.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(ln.bias?.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(ln.numParameters()).toBe(12);
  });

  it('scales and shifts by weight and bias', () => {
    const ln = new LayerNorm({ normalizedShape: 3 });
    ln.loadStateDict({ weight: [2, 0.5, -1], bias: [0.1, 0.2, 0.3] });
    expectClose(ln.forward(tensor([1, 2, 3])).toTypedArray(), [-2.3494714, 0.2, -0.9247357], float32Close);
  });

  it('has no parameters without elementwiseAffine', () => {
    const ln = new LayerNorm({ normalizedShape: 3, elementwiseAffine: false });
    expect(ln.weight).toBeNull();
    expect(ln.parameters()).toEqual([]);
    expect(ln.stateDict()).toEqual({});
    expectClose(ln.forward(tensor([1, 2, 3])).toTypedArray(), [-1.2247357, 0, 1.2247357], float32Close);
  });

  it('keeps float64 when asked', () => {
    const ln = new LayerNorm({ normalizedShape: 2, dtype: 'float64' });
    expect(ln.weight?.dtype).toBe('float64');
    expect(ln.forward(tensor([1, 3], { dtype: 'float64' })).dtype).toBe('float64');
  });

  it('matches an explicit loop over rows for any leading shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 36, maxLength: 36 }),
        (rows, d, pool) => {
          const values = pool.slice(0, rows * d);
          const x = tensor(values, { shape: [rows, d], dtype: 'float64' });
          const out = new LayerNorm({ normalizedShape: d, dtype: 'float64' }).forward(x).toTypedArray();
          for (let r = 0; r < rows; r++) {
            const row = values.slice(r * d, (r + 1) * d);
            const m = row.reduce((s, v) => s + v, 0) / d;
            const v = row.reduce((s, u) => s + (u - m) ** 2, 0) / d;
            row.forEach((u, j) => {
              expect(Math.abs(out[r * d + j]! - (u - m) / Math.sqrt(v + 1e-5))).toBeLessThan(1e-9);
            });
          }
        },
      ),
    );
  });

  it('matches finite differences in x, weight and bias (float64)', () => {
    const ln = new LayerNorm({ normalizedShape: 4, dtype: 'float64' });
    ln.loadStateDict({ weight: [1.5, -0.5, 2, 0.25], bias: [0.1, -0.2, 0.3, 0] });
    const x = tensor(
      [
        [0.3, -1.2, 2.5, 0.7],
        [1, 1.5, -0.5, 3],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    // A fixed non-uniform weighting: plain sum(y) has zero gradient in x for a normalised row.
    const w = tensor(
      [
        [1, -2, 3, 0.5],
        [-1, 0.25, 2, -3],
      ],
      { dtype: 'float64' },
    );
    const loss = (): Tensor => sum(mul(ln.forward(x), w));
    checkParameterGradients({ parameters: () => [x, ln.weight!, ln.bias!] }, loss, { atol: 1e-6, rtol: 0 });
  });

  it('throws ShapeError when the trailing extents of x are not normalizedShape', () => {
    const ln = new LayerNorm({ normalizedShape: [2, 3] });
    expect(() => ln.forward(tensor([[1, 2, 3, 4, 5, 6]]))).toThrow(ShapeError);
    expect(() => ln.forward(tensor([[1, 2, 3, 4, 5, 6]]))).toThrow(
      'LayerNorm: x must have shape (..., 2, 3); got (1, 6).',
    );
    expect(() => ln.forward(tensor([1, 2, 3]))).toThrow('LayerNorm: x must have shape (..., 2, 3); got (3).');
  });

  it('throws InvalidArgumentError for an empty or non-positive normalizedShape', () => {
    expect(() => new LayerNorm({ normalizedShape: [] })).toThrow(InvalidArgumentError);
    expect(() => new LayerNorm({ normalizedShape: [3, 0] })).toThrow(
      /normalizedShape must be an integer ≥ 1/,
    );
    expect(() => new LayerNorm({ normalizedShape: 2.5 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a negative or non-finite eps', () => {
    expect(() => new LayerNorm({ normalizedShape: 3, eps: -1e-5 })).toThrow(InvalidArgumentError);
    expect(() => new LayerNorm({ normalizedShape: 3, eps: Number.NaN })).toThrow(
      /eps must be a finite number/,
    );
  });
});
