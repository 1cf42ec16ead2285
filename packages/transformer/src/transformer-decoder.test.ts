import {
  concat,
  Generator,
  InvalidArgumentError,
  mul,
  narrow,
  ShapeError,
  sum,
  tensor,
} from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { embedAndEncode, expectFloat32Close, flat, parameterGradients, wave } from '../test/helpers.js';
import { TransformerDecoder } from './transformer-decoder.js';
import { TransformerEncoder } from './transformer-encoder.js';

const ids = (values: number[], shape: number[]) => tensor(values, { shape, dtype: 'int32' });
const small = (numBlks = 2) =>
  new TransformerDecoder({
    vocabSize: 12,
    numHiddens: 8,
    ffnNumHiddens: 16,
    numHeads: 2,
    numBlks,
    dtype: 'float64',
    rng: new Generator(1),
  });
const encOutputs = () => tensor(wave(2 * 4 * 8, 3), { shape: [2, 4, 8], dtype: 'float64' });

const BLOCK = [
  ...['attention1.W_q', 'attention1.W_k', 'attention1.W_v', 'attention1.W_o'].map((k) => `${k}.weight`),
  'addnorm1.ln.weight',
  'addnorm1.ln.bias',
  ...['attention2.W_q', 'attention2.W_k', 'attention2.W_v', 'attention2.W_o'].map((k) => `${k}.weight`),
  'addnorm2.ln.weight',
  'addnorm2.ln.bias',
  'ffn.dense1.weight',
  'ffn.dense1.bias',
  'ffn.dense2.weight',
  'ffn.dense2.bias',
  'addnorm3.ln.weight',
  'addnorm3.ln.bias',
];

describe('TransformerDecoder', () => {
  it('maps target tokens to vocabulary logits through embedding·√d + P, the blocks and dense', () => {
    const decoder = small().eval();
    const tokens = [1, 2, 3, 11, 0, 5];
    const state = decoder.initState(encOutputs(), [2, 4]);
    const [logits, after] = decoder.forward(ids(tokens, [2, 3]), state);
    expect(logits.shape).toEqual([2, 3, 12]);
    expect(after).toBe(state);
    let X = tensor(embedAndEncode(tokens, 3, flat(decoder.embedding.weight), 8), {
      shape: [2, 3, 8],
      dtype: 'float64',
    });
    const reference = decoder.initState(encOutputs(), [2, 4]);
    for (const blk of decoder.blks) [X] = blk.forward(X, reference);
    expectClose(flat(logits), flat(decoder.logits(X)), { atol: 1e-6, rtol: 0 }); // P is float32
  });

  it('encodes each decoded token at its absolute position (fixes D2L predict_step, which uses position 0)', () => {
    const decoder = small();
    const tokens = ids([4, 7, 1, 1, 9, 2, 0, 3, 3, 8], [2, 5]);
    const [whole] = decoder.train().forward(tokens, decoder.initState(encOutputs(), [3, 4]));
    decoder.eval();
    const state = decoder.initState(encOutputs(), [3, 4]);
    const steps = [0, 1, 2, 3, 4].map((t) => decoder.forward(narrow(tokens, 1, t, 1), state)[0]);
    expectClose(flat(concat(steps, 1)), flat(whole), { atol: 1e-10, rtol: 0 });
    expect(state.keyValues.map((kv) => kv?.shape)).toEqual([
      [2, 5, 8],
      [2, 5, 8],
    ]);
  });

  it('has exactly the state-dict keys of D2L TransformerDecoder in PyTorch', () => {
    const decoder = new TransformerDecoder({
      vocabSize: 200,
      numHiddens: 24,
      ffnNumHiddens: 48,
      numHeads: 8,
      numBlks: 2,
      dropout: 0.5,
    });
    expect(Object.keys(decoder.stateDict())).toEqual([
      'embedding.weight',
      ...BLOCK.map((k) => `blks.block0.${k}`),
      ...BLOCK.map((k) => `blks.block1.${k}`),
      'dense.weight',
      'dense.bias',
    ]);
    expect(decoder.stateDict()['dense.weight']?.shape).toEqual([200, 24]);
  });

  it('reports D2L attention weights: [0][i] self-attention, [1][i] encoder–decoder attention', () => {
    const decoder = small().eval();
    decoder.forward(ids([1, 2, 3, 4, 5, 6], [2, 3]), decoder.initState(encOutputs(), [2, 4]));
    const [self, encDec] = decoder.attentionWeights;
    expect(self.map((w) => w?.shape)).toEqual([
      [4, 3, 3],
      [4, 3, 3],
    ]);
    expect(encDec.map((w) => w?.shape)).toEqual([
      [4, 3, 4],
      [4, 3, 4],
    ]);
    // Self-attention is causal: query 0 sees only key 0.
    const w = flat(self[0]!);
    expect(w[0]).toBeCloseTo(1, 12);
    // Batch 0 has 2 valid source positions: keys 2 and 3 get no weight.
    const e = flat(encDec[0]!);
    expect(e[2]! + e[3]!).toBeLessThan(1e-6);
  });

  it('keeps no weights and runs the fused kernel with needWeights: false, in training and step by step', () => {
    const decoder = new TransformerDecoder({
      vocabSize: 12,
      numHiddens: 8,
      ffnNumHiddens: 16,
      numHeads: 2,
      numBlks: 2,
      rng: new Generator(3),
    });
    const enc = tensor(wave(2 * 4 * 8, 3), { shape: [2, 4, 8] });
    const tokens = ids([4, 7, 1, 1, 9, 2, 0, 3, 3, 8], [2, 5]);
    const run = (needWeights?: boolean) => {
      let out: number[] = [];
      const grads = parameterGradients(decoder, () => {
        const options = needWeights === undefined ? {} : { needWeights };
        const [logits] = decoder.forward(tokens, decoder.initState(enc, [3, 4]), options);
        out = flat(logits);
        return sum(mul(logits, logits));
      });
      return { out, grads };
    };
    const materialised = run();
    expect(decoder.attentionWeights.flat().every((w) => w !== null)).toBe(true);
    const fused = run(false);
    expect(decoder.attentionWeights).toEqual([
      [null, null],
      [null, null],
    ]);
    expectFloat32Close(fused.out, materialised.out);
    for (const [name, g] of Object.entries(materialised.grads)) expectFloat32Close(fused.grads[name]!, g);
    // Step by step (self-attention lengths seen + 1 over the cached inputs) gives the same logits.
    decoder.eval();
    const state = decoder.initState(enc, [3, 4]);
    const steps = [0, 1, 2, 3, 4].map(
      (t) => decoder.forward(narrow(tokens, 1, t, 1), state, { needWeights: false })[0],
    );
    expectFloat32Close(flat(concat(steps, 1)), materialised.out);
  });

  it('decodes the output of a TransformerEncoder end to end', () => {
    const encoder = new TransformerEncoder({
      vocabSize: 9,
      numHiddens: 8,
      ffnNumHiddens: 16,
      numHeads: 2,
      numBlks: 1,
    });
    const decoder = new TransformerDecoder({
      vocabSize: 12,
      numHiddens: 8,
      ffnNumHiddens: 16,
      numHeads: 2,
      numBlks: 1,
    });
    const source = ids([1, 2, 0, 3, 4, 5], [2, 3]);
    const state = decoder.initState(encoder.forward(source, [2, 3]), [2, 3]);
    expect(decoder.forward(ids([0, 1, 2, 3], [2, 2]), state)[0].shape).toEqual([2, 2, 12]);
  });

  it('throws InvalidArgumentError for bad tokens, a foreign state or a bad config', () => {
    const decoder = small();
    const state = decoder.initState(encOutputs());
    expect(() => decoder.forward(ids([12], [1, 1]), state)).toThrow(
      /token ids must be in \[0, vocabSize = 12\); got 12/,
    );
    expect(() => decoder.forward(ids([1, 2], [2, 1]), { ...state, keyValues: [null] })).toThrow(
      /state.keyValues must have one slot per block \(2\); got 1/,
    );
    const base = { vocabSize: 10, numHiddens: 8, ffnNumHiddens: 16, numHeads: 2, numBlks: 1 };
    expect(() => new TransformerDecoder({ ...base, numHeads: 5 })).toThrow(/divisible by numHeads/);
    expect(() => new TransformerDecoder({ ...base, numBlks: 0 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when the decoded positions exceed maxLen', () => {
    const decoder = new TransformerDecoder({
      vocabSize: 5,
      numHiddens: 4,
      ffnNumHiddens: 4,
      numHeads: 2,
      numBlks: 1,
      maxLen: 3,
    });
    const state = decoder.initState(tensor(wave(8), { shape: [1, 2, 4] }));
    decoder.forward(ids([1, 2, 3], [1, 3]), state);
    expect(() => decoder.forward(ids([1], [1, 1]), state)).toThrow(
      /at most maxLen 3; got offset 3 \+ length 1 = 4/,
    );
  });

  it('throws ShapeError when initState gets encoder outputs of the wrong width, or tokens are not 2-D', () => {
    const decoder = small();
    expect(() => decoder.initState(tensor(wave(12), { shape: [1, 3, 4] }))).toThrow(ShapeError);
    expect(() => decoder.forward(ids([1, 2], [2]), decoder.initState(encOutputs()))).toThrow(ShapeError);
    const state = decoder.initState(tensor(wave(3 * 4 * 8), { shape: [3, 4, 8], dtype: 'float64' }));
    expect(() => decoder.forward(ids([1, 2], [2, 1]), state)).toThrow(ShapeError);
  });
});
