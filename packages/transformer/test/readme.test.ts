// The README example, run as a test so it cannot go stale.
import { concat, Generator, narrow, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { TransformerDecoder, TransformerEncoder, TransformerLM } from '../src/index.js';
import { flat } from './helpers.js';

describe('README example', () => {
  it('runs as documented', () => {
    const rng = new Generator(0);
    const sizes = { numHiddens: 24, ffnNumHiddens: 48, numHeads: 8, numBlks: 2, rng };
    const encoder = new TransformerEncoder({ vocabSize: 200, ...sizes }).eval();
    const decoder = new TransformerDecoder({ vocabSize: 150, ...sizes }).eval();
    const source = tensor([[5, 17, 42, 0]], { dtype: 'int32' });
    const encOutputs = encoder.forward(source, [3]);
    const target = tensor([[1, 7, 9]], { dtype: 'int32' });
    const [logits] = decoder.forward(target, decoder.initState(encOutputs, [3]));
    expect(logits.shape).toEqual([1, 3, 150]);
    expect(Object.keys(encoder.stateDict())[1]).toBe('blks.block0.attention.W_q.weight');

    const state = decoder.initState(encOutputs, [3]);
    const steps = [0, 1, 2].map((t) => decoder.forward(narrow(target, 1, t, 1), state)[0]);
    expect(state.keyValues[0]?.shape).toEqual([1, 3, 24]);
    expectClose(flat(concat(steps, 1)), flat(logits), { atol: 1e-4, rtol: 0 }); // "the same logits"

    const lm = new TransformerLM({
      vocabSize: 65,
      numHiddens: 32,
      numHeads: 4,
      numBlks: 2,
      ffnNumHiddens: 64,
      maxLen: 128,
      positional: 'rotary',
      tieWeights: true,
      rng,
    });
    const tokens = tensor([[1, 2, 3, 4]], { dtype: 'int32' });
    expect(lm.forward(tokens).shape).toEqual([1, 4, 65]);
    const cache = lm.createCache();
    lm.forward(tokens, { cache });
    expect(lm.forward(tensor([[5]], { dtype: 'int32' }), { cache }).shape).toEqual([1, 1, 65]);
    const text = lm.generate([1, 2, 3], {
      maxNewTokens: 10,
      temperature: 0.8,
      topK: 5,
      rng: new Generator(1),
    });
    expect(text).toBeInstanceOf(Int32Array);
    expect(text.length).toBe(13);

    const copy = TransformerLM.fromConfig(JSON.parse(JSON.stringify(lm.config)));
    copy.loadStateDict(lm.stateDict());
    expectClose(flat(copy.forward(tokens)), flat(lm.forward(tokens)), { atol: 0, rtol: 0 });
  });
});
