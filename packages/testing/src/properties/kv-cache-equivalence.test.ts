import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IncrementalImpl, kvCacheEquivalence } from './kv-cache-equivalence.js';

/**
 * Prefix means along the positions axis of x (batch, n, f), continuing from `state` (the running
 * sums per batch and feature, and the number of positions seen), by explicit loops: a causal model
 * whose cache is the running sum.
 */
function prefixMean(x: Tensor, state: { sums: number[]; seen: number }): Tensor {
  const [batch, n, f] = x.shape as [number, number, number];
  const v = x.toTypedArray();
  const out = new Array<number>(v.length);
  if (state.sums.length === 0) state.sums = new Array<number>(batch * f).fill(0);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < batch; b++) {
      for (let c = 0; c < f; c++) {
        const at = (b * n + i) * f + c;
        state.sums[b * f + c]! += v[at]!;
        out[at] = state.sums[b * f + c]! / (state.seen + i + 1);
      }
    }
  }
  state.seen += n;
  return tensor(out, { shape: x.shape, dtype: 'float64' });
}

const fresh = () => ({ sums: [] as number[], seen: 0 });

const correct: IncrementalImpl = {
  full: (x) => prefixMean(x, fresh()),
  incremental: () => {
    const state = fresh();
    return (chunk) => prefixMean(chunk, state);
  },
};

describe('kvCacheEquivalence', () => {
  it('holds for a causal running mean whose cache is the running sum', () => {
    expect(fc.check(kvCacheEquivalence(correct)).failed).toBe(false);
  });

  it('holds in float64 with fixed sizes and a tight tolerance', () => {
    const constraints = { dtype: 'float64', features: 2, batch: 3, length: 5, atol: 1e-12 } as const;
    expect(fc.check(kvCacheEquivalence(correct, constraints)).failed).toBe(false);
  });

  it('feeds chunks that cover the sequence in order, down to one token per step', () => {
    const seen: number[][] = [];
    const recording: IncrementalImpl = {
      full: correct.full,
      incremental: () => {
        const state = fresh();
        const sizes: number[] = [];
        seen.push(sizes);
        return (chunk) => {
          sizes.push(chunk.shape[1]!);
          return prefixMean(chunk, state);
        };
      },
    };
    fc.assert(kvCacheEquivalence(recording, { length: 4 }));
    expect(seen.every((sizes) => sizes.reduce((a, b) => a + b, 0) === 4)).toBe(true);
    expect(seen.some((sizes) => sizes.length === 4)).toBe(true);
    expect(seen.some((sizes) => sizes.length < 4)).toBe(true);
  });

  it('fails for a decoder that forgets its cache between steps', () => {
    const forgetful: IncrementalImpl = {
      full: correct.full,
      incremental: () => (chunk) => prefixMean(chunk, fresh()),
    };
    const result = fc.check(kvCacheEquivalence(forgetful));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/must equal the full forward/);
  });

  it('fails for a non-causal full forward (the mean over the whole sequence)', () => {
    const global: IncrementalImpl = {
      full: (x) => {
        const state = fresh();
        const means = prefixMean(x, state).toTypedArray();
        const [batch, n, f] = x.shape as [number, number, number];
        const out = Array.from(means, (_, i) => {
          const b = Math.floor(i / (n * f));
          return means[(b * n + n - 1) * f + (i % f)]!; // every position gets the last prefix mean
        });
        return tensor(out, { shape: [batch, n, f], dtype: 'float64' });
      },
      incremental: correct.incremental,
    };
    expect(fc.check(kvCacheEquivalence(global)).failed).toBe(true);
  });

  it('fails when a step returns another number of positions than its chunk', () => {
    const wrong: IncrementalImpl = {
      full: correct.full,
      incremental: () => {
        const step = correct.incremental();
        return (chunk) => {
          const y = step(chunk);
          return tensor(Array.from(y.toTypedArray()).slice(0, 1), { shape: [1, 1, 1], dtype: 'float64' });
        };
      },
    };
    const result = fc.check(kvCacheEquivalence(wrong, { features: 1, batch: 1, length: 3 }));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/must have shape \(1, \d, 1\) like the full output's slice/);
  });

  it('fails when the full output has no positions axis', () => {
    const flat: IncrementalImpl = { full: () => tensor([1]), incremental: correct.incremental };
    const result = fc.check(kvCacheEquivalence(flat));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/full output must have shape/);
  });

  it('throws InvalidArgumentError for sizes below 1, invalid element bounds or a negative atol', () => {
    expect(() => kvCacheEquivalence(correct, { features: 0 })).toThrow(InvalidArgumentError);
    expect(() => kvCacheEquivalence(correct, { length: 0 })).toThrow(InvalidArgumentError);
    expect(() => kvCacheEquivalence(correct, { batch: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => kvCacheEquivalence(correct, { maxSide: 0 })).toThrow(InvalidArgumentError);
    expect(() => kvCacheEquivalence(correct, { min: 2, max: 1 })).toThrow(InvalidArgumentError);
    expect(() => kvCacheEquivalence(correct, { atol: -1 })).toThrow(InvalidArgumentError);
  });
});
