import { GRU } from '@attnkit/layers';
import {
  Generator,
  InvalidArgumentError,
  narrow,
  ShapeError,
  tensor,
  transpose,
  zeros,
} from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { Seq2SeqEncoder } from './seq2seq-encoder.js';

describe('Seq2SeqEncoder', () => {
  it("gives D2L §10.7's shapes: outputs (steps, batch, numHiddens), state (numLayers, batch, numHiddens)", () => {
    // D2L: Seq2SeqEncoder(vocab_size=10, embed_size=8, num_hiddens=16, num_layers=2), X (4, 9).
    const encoder = new Seq2SeqEncoder({ vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2 });
    const [outputs, state] = encoder.forward(zeros([4, 9], { dtype: 'int32' }));
    expect(outputs.shape).toEqual([9, 4, 16]);
    expect(state.shape).toEqual([2, 4, 16]);
  });

  it("has D2L's state-dict keys (d2l.GRU wraps nn.GRU as rnn)", () => {
    const encoder = new Seq2SeqEncoder({ vocabSize: 5, embedSize: 3, numHiddens: 4 });
    expect(Object.keys(encoder.stateDict())).toEqual([
      'embedding.weight',
      'rnn.rnn.weight_ih_l0',
      'rnn.rnn.weight_hh_l0',
      'rnn.rnn.bias_ih_l0',
      'rnn.rnn.bias_hh_l0',
    ]);
  });

  it('initialises GRU weights Xavier-uniform (init_seq2seq) and biases within ±1/√numHiddens', () => {
    const encoder = new Seq2SeqEncoder({
      vocabSize: 5,
      embedSize: 20,
      numHiddens: 16,
      rng: new Generator(0),
    });
    const sd = encoder.stateDict();
    const max = (key: string): number => Math.max(...Array.from(sd[key]!.toTypedArray(), Math.abs));
    const xavier = Math.sqrt(6 / (20 + 48));
    expect(max('rnn.rnn.weight_ih_l0')).toBeLessThanOrEqual(xavier);
    expect(max('rnn.rnn.weight_ih_l0')).toBeGreaterThan(0.9 * xavier);
    expect(max('rnn.rnn.bias_ih_l0')).toBeLessThanOrEqual(0.25);
  });

  it('runs the GRU over the embedded tokens, time-major', () => {
    const encoder = new Seq2SeqEncoder({ vocabSize: 6, embedSize: 3, numHiddens: 4, rng: new Generator(1) });
    const X = tensor(
      [
        [1, 2, 3],
        [5, 4, 0],
      ],
      { dtype: 'int32' },
    );
    const [outputs, state] = encoder.forward(X);
    const gru = new GRU({ inputSize: 3, hiddenSize: 4 });
    gru.loadStateDict(
      Object.fromEntries(Object.entries(encoder.rnn.rnn.stateDict()).map(([k, v]) => [k, v])),
    );
    const [expected] = gru.forward(encoder.embedding.forward(transpose(X, 0, 1)));
    expectClose(outputs, expected, { atol: 0 });
    expectClose(narrow(state, 0, 0, 1), narrow(outputs, 0, 2, 1), { atol: 0 });
  });

  it('reports its config, which rebuilds the same architecture', () => {
    const encoder = new Seq2SeqEncoder({
      vocabSize: 5,
      embedSize: 3,
      numHiddens: 4,
      numLayers: 2,
      dropout: 0.1,
    });
    expect(encoder.config).toEqual({
      vocabSize: 5,
      embedSize: 3,
      numHiddens: 4,
      numLayers: 2,
      dropout: 0.1,
      dtype: 'float32',
    });
    const copy = new Seq2SeqEncoder(JSON.parse(JSON.stringify(encoder.config)));
    copy.loadStateDict(encoder.stateDict());
    expect(Object.keys(copy.stateDict())).toEqual(Object.keys(encoder.stateDict()));
  });

  it('throws ShapeError when X is not (batch, steps ≥ 1)', () => {
    const encoder = new Seq2SeqEncoder({ vocabSize: 5, embedSize: 3, numHiddens: 4 });
    expect(() => encoder.forward(zeros([4], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => encoder.forward(zeros([2, 0], { dtype: 'int32' }))).toThrow(
      /X must have shape \(batch, steps ≥ 1\); got \(2, 0\)/,
    );
  });

  it('throws InvalidArgumentError for float tokens, unknown options and bad sizes', () => {
    const encoder = new Seq2SeqEncoder({ vocabSize: 5, embedSize: 3, numHiddens: 4 });
    expect(() => encoder.forward(zeros([2, 3]))).toThrow(/X must have dtype int32/);
    expect(
      () => new Seq2SeqEncoder({ vocabSize: 5, embedSize: 3, numHiddens: 4, hidden: 3 } as never),
    ).toThrow(/^Seq2SeqEncoder: unknown option 'hidden' in options\./);
    expect(
      () => new Seq2SeqEncoder({ vocabSize: 5, embedSize: 3, numHiddens: 4, dtype: 'int32' } as never),
    ).toThrow(/^Seq2SeqEncoder: options\.dtype must be one of 'float32', 'float64'/);
    expect(() => new Seq2SeqEncoder({ vocabSize: 0, embedSize: 3, numHiddens: 4 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Seq2SeqEncoder({ vocabSize: 5, embedSize: 3, numHiddens: 4, dropout: -0.1 })).toThrow(
      /dropout must be a number in \[0, 1\]/,
    );
  });
});
