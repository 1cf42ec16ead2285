import {
  add,
  arange,
  div,
  InvalidArgumentError,
  le,
  logicalNot,
  maskedFill,
  matmul,
  mul,
  softmax,
  type Tensor,
  transpose,
  unsqueeze,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permutationInvariance } from './permutation-invariance.js';

/** softmax(scale·QKᵀ)·V. */
const attend = (q: Tensor, k: Tensor, v: Tensor, scale = 1 / Math.sqrt(q.shape[2]!)): Tensor =>
  matmul(softmax(mul(matmul(q, transpose(k)), scale)), v);

describe('permutationInvariance', () => {
  it('holds for scaled dot-product attention, passing options through', () => {
    const impl = (q: Tensor, k: Tensor, v: Tensor, opts: { scale: number }) => attend(q, k, v, opts.scale);
    expect(fc.check(permutationInvariance(impl, { options: { scale: 0.5 } })).failed).toBe(false);
  });

  it('holds in float64 with wide elements', () => {
    const impl = (q: Tensor, k: Tensor, v: Tensor) => attend(q, k, v);
    expect(fc.check(permutationInvariance(impl, { dtype: 'float64', min: -3, max: 3 })).failed).toBe(false);
  });

  it('fails for attention with a causal mask, which depends on key positions', () => {
    const causal = (q: Tensor, k: Tensor, v: Tensor) => {
      const future = logicalNot(le(unsqueeze(arange(k.shape[1]!), 0), unsqueeze(arange(q.shape[1]!), 1)));
      const scores = maskedFill(div(matmul(q, transpose(k)), 2), future, Number.NEGATIVE_INFINITY);
      return matmul(softmax(scores), v);
    };
    const result = fc.check(permutationInvariance(causal, { queries: 3 }));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/must not change when the key-value pairs are permuted/);
  });

  it('fails for attention with a position bias on the scores', () => {
    const biased = (q: Tensor, k: Tensor, v: Tensor) =>
      matmul(softmax(add(matmul(q, transpose(k)), arange(k.shape[1]!))), v);
    expect(fc.check(permutationInvariance(biased)).failed).toBe(true);
  });

  it('throws InvalidArgumentError for invalid sizes or element bounds', () => {
    const impl = (q: Tensor, k: Tensor, v: Tensor) => attend(q, k, v);
    expect(() => permutationInvariance(impl, { maxSide: 0 })).toThrow(InvalidArgumentError);
    expect(() => permutationInvariance(impl, { min: 1, max: -1 })).toThrow(InvalidArgumentError);
  });
});
