import {
  Generator,
  InvalidArgumentError,
  randn,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceAttention } from '../test/helpers.js';
import { flashAttention } from './flash-attention.js';
import { scaledDotProductAttention } from './scaled-dot-product-attention.js';

/** A float32 leaf of standard normal entries, reproducible from `seed`. */
const leaf = (shape: number[], seed: number): Tensor =>
  tensor(randn(shape, { dtype: 'float32', rng: new Generator(seed) }).toTypedArray(), {
    shape,
    dtype: 'float32',
    requiresGrad: true,
  });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

describe('flashAttention', () => {
  it('equals the output of scaledDotProductAttention with causal and padding masks', () => {
    const q = leaf([2, 4, 33, 8], 1);
    const k = leaf([2, 4, 40, 8], 2);
    const v = leaf([2, 4, 40, 5], 3);
    const options = { isCausal: true, validLens: [40, 17] };
    const fused = flashAttention(q, k, v, options);
    const { output } = scaledDotProductAttention(q, k, v, options);
    expect(fused.shape).toEqual([2, 4, 33, 5]);
    expect(maxAbsDiff(fused.toTypedArray(), output.toTypedArray())).toBeLessThanOrEqual(1e-5);
  });

  it('takes nested per-query validLens and gives zero rows where nothing is visible', () => {
    const q = leaf([2, 2, 3], 4);
    const out = flashAttention(q, q, q, {
      validLens: [
        [0, 2],
        [1, 1],
      ],
    });
    const ref = referenceAttention(q, q, q, {
      keep: (b, i, j) =>
        j <
        [
          [0, 2],
          [1, 1],
        ][b]![i]!,
    }).output;
    expect(maxAbsDiff(out.toTypedArray(), ref)).toBeLessThanOrEqual(1e-6);
    expect(Array.from(out.toTypedArray().subarray(0, 3))).toEqual([0, 0, 0]);
  });

  it("gives a validLen-0 row a zero output where scaledDotProductAttention's D2L masking averages all values", () => {
    const q = leaf([2, 3, 4], 11);
    const k = leaf([2, 5, 4], 12);
    const v = leaf([2, 5, 2], 13);
    const fused = flashAttention(q, k, v, { validLens: [0, 3] }).toTypedArray();
    const d2l = scaledDotProductAttention(q, k, v, { validLens: [0, 3] }).output.toTypedArray();
    // Batch 0 (validLen 0): zeros here, the mean of the 5 values (uniform weights) in D2L.
    const values = v.toTypedArray();
    for (let i = 0; i < 3; i++) {
      for (let c = 0; c < 2; c++) {
        let mean = 0;
        for (let j = 0; j < 5; j++) mean += values[j * 2 + c]! / 5;
        expect(fused[i * 2 + c]).toBe(0);
        expect(d2l[i * 2 + c]).toBeCloseTo(mean, 5);
      }
    }
    // Batch 1 (validLen 3): both attend over keys 0..2 only.
    expect(maxAbsDiff(fused.subarray(6), d2l.subarray(6))).toBeLessThanOrEqual(1e-6);
  });

  it('matches the explicit-loop reference for small shapes and masks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.nat(1000),
        (nq, nk, d, isCausal, seed) => {
          const q = leaf([2, nq, d], seed);
          const k = leaf([2, nk, d], seed + 1);
          const v = leaf([2, nk, 3], seed + 2);
          const lens = [nk, Math.min(nk, 1 + (seed % nk))];
          const out = flashAttention(q, k, v, { isCausal, validLens: lens });
          const keep = (b: number, i: number, j: number) => j < lens[b]! && (!isCausal || j <= i + nk - nq);
          expect(
            maxAbsDiff(out.toTypedArray(), referenceAttention(q, k, v, { keep }).output),
          ).toBeLessThanOrEqual(2e-6);
        },
      ),
    );
  });

  it('has the gradients of scaledDotProductAttention', () => {
    const make = () => [leaf([2, 3, 6, 4], 5), leaf([2, 3, 7, 4], 6), leaf([2, 3, 7, 2], 7)] as const;
    const a = make();
    const b = make();
    const r = randn([2, 3, 6, 2], { rng: new Generator(8) });
    sum(flashAttention(...a, { isCausal: true, validLens: [7, 3] }).mul(r)).backward();
    sum(scaledDotProductAttention(...b, { isCausal: true, validLens: [7, 3] }).output.mul(r)).backward();
    for (let i = 0; i < 3; i++) {
      expect(maxAbsDiff(a[i]!.grad!.toTypedArray(), b[i]!.grad!.toTypedArray())).toBeLessThanOrEqual(1e-5);
    }
  });

  it('throws ShapeError when the leading axes differ', () => {
    const q = leaf([2, 3, 4], 9);
    const k = leaf([1, 3, 4], 10);
    expect(() => flashAttention(q, k, k)).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a float64 input', () => {
    const q = tensor([[1, 2]], { dtype: 'float64' });
    expect(() => flashAttention(q, q, q)).toThrow(InvalidArgumentError);
  });
});
