import { Generator, randint, ShapeError, stack, sum, tensor, zeros } from '@attnkit/tensor';
import { checkParameterGradients, expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { EncoderDecoder } from './encoder-decoder.js';
import { Seq2SeqAttentionDecoder } from './seq2seq-attention-decoder.js';
import { Seq2SeqEncoder } from './seq2seq-encoder.js';

const sizes = { vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2 };

describe('Seq2SeqAttentionDecoder', () => {
  it("gives D2L §10.4's shapes: logits (batch, steps, vocab), state [encOutputs, hidden, validLens]", () => {
    // D2L: vocab_size, embed_size, num_hiddens, num_layers = 10, 8, 16, 2; batch_size, num_steps = 4, 7.
    const encoder = new Seq2SeqEncoder(sizes);
    const decoder = new Seq2SeqAttentionDecoder(sizes);
    const X = zeros([4, 7], { dtype: 'int32' });
    const state = decoder.initState(encoder.forward(X), undefined);
    const [logits, next] = decoder.forward(X, state);
    expect(logits.shape).toEqual([4, 7, 10]);
    expect(next[0].shape).toEqual([4, 7, 16]);
    expect(next[1].shape).toEqual([2, 4, 16]);
    expect(decoder.attentionWeights).toHaveLength(7);
    expect(decoder.lastCrossAttention().shape).toEqual([1, 4, 1, 7]);
  });

  it("has D2L's state-dict keys in D2L's order", () => {
    const decoder = new Seq2SeqAttentionDecoder({ vocabSize: 5, embedSize: 3, numHiddens: 4 });
    expect(Object.keys(decoder.stateDict())).toEqual([
      'attention.W_k.weight',
      'attention.W_q.weight',
      'attention.w_v.weight',
      'embedding.weight',
      'rnn.weight_ih_l0',
      'rnn.weight_hh_l0',
      'rnn.bias_ih_l0',
      'rnn.bias_hh_l0',
      'dense.weight',
      'dense.bias',
    ]);
    expect(decoder.stateDict()['rnn.weight_ih_l0']!.shape).toEqual([12, 7]); // (3·h, embedSize + h)
  });

  it('reports its config, which rebuilds the same architecture', () => {
    const decoder = new Seq2SeqAttentionDecoder({ vocabSize: 5, embedSize: 3, numHiddens: 4 });
    expect(decoder.config).toEqual({
      vocabSize: 5,
      embedSize: 3,
      numHiddens: 4,
      numLayers: 1,
      dropout: 0,
      dtype: 'float32',
    });
    new Seq2SeqAttentionDecoder(decoder.config).loadStateDict(decoder.stateDict());
  });

  it('gives zero attention to source positions at or beyond encValidLens; rows sum to 1', () => {
    const rng = new Generator(2);
    const encoder = new Seq2SeqEncoder({ ...sizes, rng });
    const decoder = new Seq2SeqAttentionDecoder({ ...sizes, rng });
    const src = randint(0, 10, [3, 6], { rng });
    const lens = tensor([6, 2, 4], { dtype: 'int32' });
    decoder.forward(randint(0, 10, [3, 5], { rng }), decoder.initState(encoder.forward(src), lens));
    const weights = stack(decoder.attentionWeights, 0).toArray() as number[][][][]; // (steps, batch, 1, srcLen)
    for (const step of weights) {
      step.forEach(([row], b) => {
        const valid = [6, 2, 4][b]!;
        expectClose(
          row!.slice(0, valid).reduce((s, v) => s + v, 0),
          1,
          { atol: 1e-6 },
        );
        expect(row!.slice(valid).every((v) => v < 1e-6)).toBe(true);
      });
    }
  });

  it('continues the same computation when fed one token per call (the state carries the GRU state)', () => {
    const rng = new Generator(3);
    const model = new EncoderDecoder(
      new Seq2SeqEncoder({ ...sizes, dtype: 'float64', rng }),
      new Seq2SeqAttentionDecoder({ ...sizes, dtype: 'float64', rng }),
    );
    const src = randint(0, 10, [2, 5], { rng });
    const decX = randint(0, 10, [2, 4], { rng });
    const lens = tensor([5, 3], { dtype: 'int32' });
    const [full] = model.forward(src, decX, lens);
    let state = model.startDecoding(src, lens);
    const steps = (decX.toArray() as number[][])[0]!.map((_, t) => {
      const out = model.decodeStep(
        tensor(
          (decX.toArray() as number[][]).map((row) => row[t]!),
          { dtype: 'int32' },
        ),
        state,
      );
      state = out.state;
      return out.logits;
    });
    expectClose(stack(steps, 1), full, { atol: 1e-12 });
  });

  it('backpropagates into every parameter through attention and time (finite differences)', () => {
    const rng = new Generator(4);
    const small = { vocabSize: 5, embedSize: 2, numHiddens: 3, numLayers: 2, dtype: 'float64' as const, rng };
    const model = new EncoderDecoder(new Seq2SeqEncoder(small), new Seq2SeqAttentionDecoder(small));
    const src = tensor(
      [
        [1, 2, 3],
        [4, 0, 0],
      ],
      { dtype: 'int32' },
    );
    const decX = tensor(
      [
        [1, 3],
        [2, 4],
      ],
      { dtype: 'int32' },
    );
    const lens = tensor([3, 1], { dtype: 'int32' });
    const R = tensor(
      Array.from({ length: 20 }, (_, i) => Math.sin(i + 1)),
      { shape: [2, 2, 5], dtype: 'float64' },
    );
    checkParameterGradients(model, () => sum(model.forward(src, decX, lens)[0].mul(R)), {
      atol: 1e-6,
      rtol: 1e-4,
    });
  });

  it('throws ShapeError when the encoder outputs, state or validLens do not fit', () => {
    const decoder = new Seq2SeqAttentionDecoder({ vocabSize: 5, embedSize: 3, numHiddens: 4, numLayers: 2 });
    expect(() => decoder.initState([zeros([3, 2, 5]), zeros([2, 2, 4])])).toThrow(
      /encoder outputs must have shape \(srcLen, batch, 4\)/,
    );
    expect(() => decoder.initState([zeros([3, 2, 4]), zeros([1, 2, 4])])).toThrow(
      /encoder state must have shape \(2, 2, 4\)/,
    );
    expect(() =>
      decoder.initState([zeros([3, 2, 4]), zeros([2, 2, 4])], tensor([1], { dtype: 'int32' })),
    ).toThrow(ShapeError);
    const state = decoder.initState([zeros([3, 2, 4]), zeros([2, 2, 4])]);
    expect(() => decoder.forward(zeros([3, 2], { dtype: 'int32' }), state)).toThrow(
      /X must have shape \(2, steps ≥ 1\)/,
    );
  });

  it('throws InvalidArgumentError for float tokens, unknown options, and lastCrossAttention before forward', () => {
    const decoder = new Seq2SeqAttentionDecoder({ vocabSize: 5, embedSize: 3, numHiddens: 4 });
    expect(() => decoder.lastCrossAttention()).toThrow(/call forward first/);
    const state = decoder.initState([zeros([3, 2, 4]), zeros([1, 2, 4])]);
    expect(() => decoder.forward(zeros([2, 2]), state)).toThrow(/dtype int32/);
    expect(
      () => new Seq2SeqAttentionDecoder({ vocabSize: 5, embedSize: 3, numHiddens: 4, heads: 2 } as never),
    ).toThrow(/^Seq2SeqAttentionDecoder: unknown option 'heads' in options\./);
    expect(() => new Seq2SeqAttentionDecoder(undefined as never)).toThrow(
      /^Seq2SeqAttentionDecoder: options must be an options object/,
    );
  });
});
