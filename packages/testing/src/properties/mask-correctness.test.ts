import { InvalidArgumentError, logicalNot, maskedFill, reshape, softmax, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskCorrectness } from './mask-correctness.js';

/** -Infinity for masked scores, then zero weights for masked entries (attnkit's mask policy). */
const correct = (scores: Tensor, keep: Tensor): Tensor => {
  const blocked = logicalNot(keep);
  return maskedFill(softmax(maskedFill(scores, blocked, Number.NEGATIVE_INFINITY)), blocked, 0);
};

describe('maskCorrectness', () => {
  it('holds for a masked softmax that uses -Infinity', () => {
    expect(fc.check(maskCorrectness(correct, { maxSide: 4 })).failed).toBe(false);
  });

  it('holds for D2L -1e6 masking when no row is fully masked', () => {
    const d2l = (scores: Tensor, keep: Tensor) => softmax(maskedFill(scores, logicalNot(keep), -1e6));
    expect(fc.check(maskCorrectness(d2l, { maxSide: 4, dtype: 'float64' })).failed).toBe(false);
  });

  it('fails for a softmax that ignores the mask', () => {
    const result = fc.check(maskCorrectness((scores) => softmax(scores)));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/every masked weight must be exactly 0/);
  });

  it('fails for a finite -1e4 penalty, which leaks weight when scores are large', () => {
    const leaky = (scores: Tensor, keep: Tensor) => softmax(maskedFill(scores, logicalNot(keep), -1e4), -1);
    const result = fc.check(maskCorrectness(leaky, { min: -2e4, max: 2e4, dtype: 'float64' }));
    expect(result.failed).toBe(true);
  });

  it('fails for uniform fully masked rows when fullyMaskedRows is on', () => {
    const d2l = (scores: Tensor, keep: Tensor) => softmax(maskedFill(scores, logicalNot(keep), -1e6));
    const result = fc.check(maskCorrectness(d2l, { fullyMaskedRows: true }));
    expect(result.failed).toBe(true);
    expect(fc.check(maskCorrectness(correct, { fullyMaskedRows: true, maxSide: 4 })).failed).toBe(false);
  });

  it('fails when the output has another shape', () => {
    const result = fc.check(maskCorrectness((scores) => reshape(softmax(scores), [1, ...scores.shape])));
    expect(result.failed).toBe(true);
  });

  it('throws InvalidArgumentError for invalid shape bounds', () => {
    expect(() => maskCorrectness(correct, { minSide: 3, maxSide: 2 })).toThrow(InvalidArgumentError);
  });
});
