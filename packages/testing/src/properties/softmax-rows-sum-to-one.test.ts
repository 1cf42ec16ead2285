import { InvalidArgumentError, reshape, softmax, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { softmaxRowsSumToOne } from './softmax-rows-sum-to-one.js';

/**
 * Softmax over the last axis by explicit loops in `x`'s dtype; `stable` subtracts the row max,
 * `normalize` divides by the row sum, `axis0` wrongly normalises down the first axis instead.
 */
function loopSoftmax(x: Tensor, { stable = true, normalize = true, axis0 = false } = {}): Tensor {
  const round = x.dtype === 'float32' ? Math.fround : (v: number) => v;
  const v = Array.from(x.toTypedArray());
  const n = axis0 ? x.shape[0]! : x.shape[x.ndim - 1]!;
  const step = axis0 ? v.length / n : 1;
  const rowStart = (r: number) => (axis0 ? r : r * n);
  const out = new Array<number>(v.length);
  for (let r = 0; r < v.length / n; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < n; j++) m = Math.max(m, v[rowStart(r) + j * step]!);
    let s = 0;
    for (let j = 0; j < n; j++) {
      const i = rowStart(r) + j * step;
      out[i] = round(Math.exp(round(v[i]! - (stable ? m : 0))));
      s = round(s + out[i]!);
    }
    for (let j = 0; j < n; j++) {
      const i = rowStart(r) + j * step;
      out[i] = normalize ? round(out[i]! / s) : out[i]!;
    }
  }
  return tensor(out, { shape: x.shape, dtype: x.dtype });
}

describe('softmaxRowsSumToOne', () => {
  it('holds for a stable reference softmax in float32 and float64', () => {
    expect(fc.check(softmaxRowsSumToOne((x) => loopSoftmax(x))).failed).toBe(false);
    expect(
      fc.check(softmaxRowsSumToOne((x) => loopSoftmax(x), { dtype: 'float64', atol: 1e-12 })).failed,
    ).toBe(false);
  });

  it("holds for @attnkit/tensor's softmax", () => {
    fc.assert(softmaxRowsSumToOne((x) => softmax(x)));
    fc.assert(softmaxRowsSumToOne((x) => softmax(x), { dtype: 'float64', min: -1e4, max: 1e4 }));
  });

  it('never draws a scalar, even when minRank is 0', () => {
    fc.assert(
      softmaxRowsSumToOne(
        (x) => {
          expect(x.ndim).toBeGreaterThanOrEqual(1);
          return loopSoftmax(x);
        },
        { minRank: 0 },
      ),
    );
  });

  it('fails for a softmax that skips the max subtraction, since exp(100) overflows float32', () => {
    const result = fc.check(softmaxRowsSumToOne((x) => loopSoftmax(x, { stable: false })));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/every value must lie in \[0, 1\]; got NaN/);
  });

  it('fails for a softmax that does not normalise or normalises the wrong axis', () => {
    const unnormalized = fc.check(softmaxRowsSumToOne((x) => loopSoftmax(x, { normalize: false })));
    expect(unnormalized.failed).toBe(true);
    const wrongAxis = fc.check(softmaxRowsSumToOne((x) => loopSoftmax(x, { axis0: true }), { minRank: 2 }));
    expect(wrongAxis.failed).toBe(true);
    expect(String(wrongAxis.errorInstance)).toMatch(/every row must sum to 1 within 1e-5; row \(/);
  });

  it('fails for a softmax that changes the shape', () => {
    const result = fc.check(softmaxRowsSumToOne((x) => reshape(loopSoftmax(x), [x.numel()]), { minRank: 2 }));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/output must have shape \(\d+, \d+.*\); got \(\d+\)/);
  });

  it('throws InvalidArgumentError for invalid shape or logit bounds', () => {
    expect(() => softmaxRowsSumToOne(softmax, { minSide: 4, maxSide: 3 })).toThrow(InvalidArgumentError);
    expect(() => softmaxRowsSumToOne(softmax, { min: 1, max: -1 })).toThrow(
      /softmaxRowsSumToOne: min must be ≤ max/,
    );
  });
});
