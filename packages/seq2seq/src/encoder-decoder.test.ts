import { Generator, narrow, randint, reshape, ShapeError, tensor, zeros } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { EncoderDecoder } from './encoder-decoder.js';
import { Seq2SeqAttentionDecoder } from './seq2seq-attention-decoder.js';
import { Seq2SeqEncoder } from './seq2seq-encoder.js';

function model(seed = 0) {
  const rng = new Generator(seed);
  const sizes = { embedSize: 4, numHiddens: 6, numLayers: 2, dtype: 'float64' as const, rng };
  return new EncoderDecoder(
    new Seq2SeqEncoder({ vocabSize: 9, ...sizes }),
    new Seq2SeqAttentionDecoder({ vocabSize: 7, ...sizes }),
  );
}

describe('EncoderDecoder', () => {
  it('encodes, initialises the decoder state and decodes with teacher forcing (D2L forward)', () => {
    const m = model();
    const src = randint(0, 9, [3, 5], { rng: new Generator(1) });
    const decX = randint(0, 7, [3, 4], { rng: new Generator(2) });
    const lens = tensor([5, 2, 3], { dtype: 'int32' });
    const [logits, state] = m.forward(src, decX, lens);
    expect(logits.shape).toEqual([3, 4, 7]);
    const [expected] = m.decoder.forward(decX, m.decoder.initState(m.encoder.forward(src), lens));
    expectClose(logits, expected, { atol: 0 });
    expect(state[2]).toBe(lens);
  });

  it("prefixes the encoder's and decoder's keys with encoder. and decoder.", () => {
    const keys = Object.keys(model().stateDict());
    expect(keys[0]).toBe('encoder.embedding.weight');
    expect(keys.at(-1)).toBe('decoder.dense.bias');
  });

  it('decodeStep gives (batch, vocab) logits and (1, batch, 1, srcLen) cross-attention; selectState picks rows', () => {
    const m = model(3);
    const src = randint(0, 9, [2, 5], { rng: new Generator(4) });
    const lens = tensor([5, 3], { dtype: 'int32' });
    const state = m.startDecoding(src, lens);
    const step = m.decodeStep(tensor([1, 1], { dtype: 'int32' }), state);
    expect(step.logits.shape).toEqual([2, 7]);
    expect(step.crossAttention.shape).toEqual([1, 2, 1, 5]);
    // Row 1 alone, picked from the batch state, decodes as the batch's row 1.
    const picked = m.selectState(state, tensor([1], { dtype: 'int32' }));
    const alone = m.decodeStep(tensor([1], { dtype: 'int32' }), picked);
    expectClose(alone.logits, reshape(narrow(step.logits, 0, 1, 1), [1, 7]), { atol: 1e-12 });
  });

  it('throws ShapeError when decodeStep tokens are not 1-D', () => {
    const m = model();
    const state = m.startDecoding(zeros([1, 3], { dtype: 'int32' }), tensor([3], { dtype: 'int32' }));
    expect(() => m.decodeStep(zeros([1, 1], { dtype: 'int32' }), state)).toThrow(ShapeError);
  });
});
