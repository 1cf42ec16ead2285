import {
  add,
  arange,
  div,
  InvalidArgumentError,
  le,
  logicalNot,
  maskedFill,
  matmul,
  mean,
  softmax,
  type Tensor,
  transpose,
  unsqueeze,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causalNoLeak } from './causal-no-leak.js';

/** softmax(QKᵀ/√d)·V, with keys after each query's position set to -Infinity when `causal`. */
function attend(q: Tensor, k: Tensor, v: Tensor, causal: boolean): Tensor {
  let scores = div(matmul(q, transpose(k)), Math.sqrt(q.shape[2]!));
  if (causal) {
    const future = logicalNot(le(unsqueeze(arange(k.shape[1]!), 0), unsqueeze(arange(q.shape[1]!), 1)));
    scores = maskedFill(scores, future, Number.NEGATIVE_INFINITY);
  }
  return matmul(softmax(scores), v);
}

describe('causalNoLeak', () => {
  it('holds for attention with a causal mask, passing options through', () => {
    const seen: unknown[] = [];
    const impl = (q: Tensor, k: Tensor, v: Tensor, opts: { causal: boolean }) => {
      seen.push(opts);
      return attend(q, k, v, opts.causal);
    };
    expect(fc.check(causalNoLeak(impl, { options: { causal: true }, maxSide: 4 })).failed).toBe(false);
    expect(seen.every((o) => (o as { causal: boolean }).causal === true)).toBe(true);
  });

  it('holds in float64 with a fixed length', () => {
    const impl = (q: Tensor, k: Tensor, v: Tensor) => attend(q, k, v, true);
    expect(fc.check(causalNoLeak(impl, { dtype: 'float64', length: 5, maxSide: 3 })).failed).toBe(false);
  });

  it('fails for attention without a causal mask', () => {
    const result = fc.check(causalNoLeak((q, k, v) => attend(q, k, v, false)));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/must not depend on inputs after position/);
  });

  it('fails for causal attention that mixes queries across positions', () => {
    // The mean over all queries leaks the future even though every key is causally masked.
    const leaky = (q: Tensor, k: Tensor, v: Tensor) =>
      attend(add(q, mean(q, { axis: 1, keepDim: true })), k, v, true);
    expect(fc.check(causalNoLeak(leaky)).failed).toBe(true);
  });

  it('fails when the output has no positions axis', () => {
    const result = fc.check(causalNoLeak((q, k, v) => mean(attend(q, k, v, true), { axis: 1 }), { v: 1 }));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/output must have shape/);
  });

  it('throws InvalidArgumentError for a length or maxSide below 1 and invalid element bounds', () => {
    const impl = (q: Tensor, k: Tensor, v: Tensor) => attend(q, k, v, true);
    expect(() => causalNoLeak(impl, { length: 0 })).toThrow(InvalidArgumentError);
    expect(() => causalNoLeak(impl, { maxSide: 0 })).toThrow(InvalidArgumentError);
    expect(() => causalNoLeak(impl, { min: 2, max: 1 })).toThrow(InvalidArgumentError);
  });
});
