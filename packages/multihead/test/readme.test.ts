// The README example, run as a test so it cannot go stale.
import { concat, Generator, narrow, ones, randn, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { type KVCache, MultiHeadAttention } from '../src/index.js';

describe('README example', () => {
  it('runs as documented', () => {
    const attention = new MultiHeadAttention({ numHiddens: 100, numHeads: 5, dropout: 0.5 }).eval();
    const X = ones([2, 4, 100]);
    const Y = ones([2, 6, 100]);
    const out = attention.forward(X, Y, Y, tensor([3, 2], { dtype: 'int32' }));
    expect(out.shape).toEqual([2, 4, 100]);
    expect(attention.attentionWeights?.shape).toEqual([10, 4, 6]);
    expect(attention.headWeights().shape).toEqual([2, 5, 4, 6]);
    expect(Object.keys(attention.stateDict())).toEqual([
      'W_q.weight',
      'W_k.weight',
      'W_v.weight',
      'W_o.weight',
    ]);

    const decoder = new MultiHeadAttention({
      numHiddens: 16,
      numHeads: 4,
      numKVHeads: 2,
      positional: 'rotary',
      rng: new Generator(0),
    });
    const x = randn([1, 5, 16], { rng: new Generator(1) });
    const full = decoder.forward(x, x, x, undefined, { isCausal: true });
    const cache: KVCache = decoder.createCache();
    const steps = [0, 1, 2, 3, 4].map((t) => {
      const token = narrow(x, 1, t, 1);
      return decoder.forward(token, token, token, undefined, { cache, isCausal: true });
    });
    expect(cache.layer(0).keys?.shape).toEqual([1, 2, 5, 4]);
    expectClose(concat(steps, 1), full, { atol: 1e-5 });

    const pruned = decoder.forward(x, x, x, undefined, { isCausal: true, headMask: [1, 1, 0, 1] });
    expect(pruned.shape).toEqual([1, 5, 16]);
    expect(Array.from(pruned.toTypedArray())).not.toEqual(Array.from(full.toTypedArray()));
  });
});
