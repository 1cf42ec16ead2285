// The README example, run as a test so it cannot go stale.
import { Generator, randn, sum, type Tensor, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import {
  AdditiveAttention,
  DotProductAttention,
  NWKernelRegression,
  nadarayaWatson,
  scaledDotProductAttention,
} from '../src/index.js';

describe('README example', () => {
  it('runs as documented', () => {
    const rng = new Generator(0);
    const queries = randn([2, 1, 2], { rng });
    const keys = randn([2, 10, 2], { rng });
    const values = randn([2, 10, 4], { rng });
    const validLens = tensor([2, 6], { dtype: 'int32' });

    const attention = new DotProductAttention({ dropout: 0.5 }).eval();
    expect(attention.forward(queries, keys, values, validLens).shape).toEqual([2, 1, 4]);
    const weights = Array.from((attention.attentionWeights as Tensor).toTypedArray());
    expect(weights.slice(2, 10).every((w) => w === 0)).toBe(true);
    expect(weights.slice(16, 20).every((w) => w === 0)).toBe(true);

    const additive = new AdditiveAttention({ numHiddens: 8, dropout: 0.1, rng }).eval();
    expect(additive.forward(randn([2, 1, 20], { rng }), keys, values, validLens).shape).toEqual([2, 1, 4]);
    expect(Object.keys(additive.stateDict())).toEqual(['W_k.weight', 'W_q.weight', 'w_v.weight']);

    const q = randn([2, 4, 3, 8], { rng });
    const kv = randn([2, 4, 5, 8], { rng });
    const { output, attentionWeights } = scaledDotProductAttention(q, kv, kv, {
      isCausal: true,
      validLens: [5, 3],
    });
    expect(output.shape).toEqual([2, 4, 3, 8]);
    expect(attentionWeights.shape).toEqual([2, 4, 3, 5]);
    expect(sum(attentionWeights).item()).toBeCloseTo(24, 4); // every row has a visible key

    const xTrain = tensor([0.3, 1.1, 1.8, 2.6, 3.4, 4.2]);
    const yTrain = tensor([0.9, 2.7, 3.5, 2.2, 0.7, -0.1]);
    const xTest = tensor([0.5, 2.5, 4.5]);
    const gaussian = nadarayaWatson(xTest, xTrain, yTrain);
    const boxcar = nadarayaWatson(xTest, xTrain, yTrain, { kernel: 'boxcar' });
    expect(gaussian.output.shape).toEqual([3]);
    expect(boxcar.attentionWeights.shape).toEqual([3, 6]);

    const net = new NWKernelRegression({ w: 1 });
    expect(net.forward(xTest, xTrain, yTrain).shape).toEqual([3]);
    expect(net.attentionWeights?.shape).toEqual([3, 6]);
  });
});
