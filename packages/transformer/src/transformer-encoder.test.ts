import { Generator, InvalidArgumentError, mul, ShapeError, sum, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { embedAndEncode, expectFloat32Close, flat, parameterGradients } from '../test/helpers.js';
import { TransformerEncoder } from './transformer-encoder.js';

const ids = (values: number[], shape: number[]) => tensor(values, { shape, dtype: 'int32' });
const small = () =>
  new TransformerEncoder({
    vocabSize: 10,
    numHiddens: 8,
    ffnNumHiddens: 16,
    numHeads: 2,
    numBlks: 2,
    dtype: 'float64',
    rng: new Generator(0),
  }).eval();

// From D2L's TransformerEncoder(200, 24, 48, 8, 2, 0.5) in PyTorch: state_dict().keys().
const BLOCK = [
  'attention.W_q.weight',
  'attention.W_k.weight',
  'attention.W_v.weight',
  'attention.W_o.weight',
  'addnorm1.ln.weight',
  'addnorm1.ln.bias',
  'ffn.dense1.weight',
  'ffn.dense1.bias',
  'ffn.dense2.weight',
  'ffn.dense2.bias',
  'addnorm2.ln.weight',
  'addnorm2.ln.bias',
];

describe('TransformerEncoder', () => {
  it('runs the blocks on embedding·√numHiddens + P', () => {
    const encoder = small();
    const tokens = [1, 2, 3, 0, 9, 9, 4, 5];
    const out = encoder.forward(ids(tokens, [2, 4]), [3, 4]);
    expect(out.shape).toEqual([2, 4, 8]);
    const X0 = embedAndEncode(tokens, 4, flat(encoder.embedding.weight), 8);
    let X = tensor(X0, { shape: [2, 4, 8], dtype: 'float64' });
    for (const blk of encoder.blks) X = blk.forward(X, [3, 4]);
    expectClose(flat(out), flat(X), { atol: 1e-6, rtol: 0 });
  });

  it('has exactly the state-dict keys of D2L TransformerEncoder in PyTorch (blks.block0, …)', () => {
    const encoder = new TransformerEncoder({
      vocabSize: 200,
      numHiddens: 24,
      ffnNumHiddens: 48,
      numHeads: 8,
      numBlks: 2,
      dropout: 0.5,
    });
    const expected = [
      'embedding.weight',
      ...BLOCK.map((k) => `blks.block0.${k}`),
      ...BLOCK.map((k) => `blks.block1.${k}`),
    ];
    expect(Object.keys(encoder.stateDict())).toEqual(expected);
    expect(encoder.stateDict()['embedding.weight']?.shape).toEqual([200, 24]);
  });

  it('reports one (batch·heads, positions, positions) attention-weight tensor per block', () => {
    const encoder = small();
    expect(encoder.attentionWeights).toEqual([null, null]);
    encoder.forward(ids([1, 2, 3, 4, 5, 6], [2, 3]), [2, 3]);
    const weights = encoder.attentionWeights;
    expect(weights.map((w) => w?.shape)).toEqual([
      [4, 3, 3],
      [4, 3, 3],
    ]);
    const w = flat(weights[1]!);
    // Batch 0 (rows of heads 0 and 1) has validLen 2: key 2 gets no weight; rows sum to 1.
    for (let r = 0; r < 12; r++) {
      const row = w.slice(r * 3, r * 3 + 3);
      expect(Math.abs(row[0]! + row[1]! + row[2]! - 1)).toBeLessThan(1e-9);
      if (r < 6) expect(row[2]).toBeLessThan(1e-6);
    }
  });

  it('keeps no weights and runs the fused kernel with needWeights: false, with the same output and gradients', () => {
    const encoder = new TransformerEncoder({
      vocabSize: 10,
      numHiddens: 8,
      ffnNumHiddens: 16,
      numHeads: 2,
      numBlks: 2,
      rng: new Generator(2),
    });
    const tokens = ids([1, 2, 3, 0, 9, 9, 4, 5], [2, 4]);
    const perQuery = [
      [1, 2, 3, 4],
      [4, 4, 2, 1],
    ];
    for (const validLens of [undefined, [3, 4], perQuery]) {
      const run = (needWeights?: boolean) => {
        let out: number[] = [];
        const grads = parameterGradients(encoder, () => {
          const y = encoder.forward(tokens, validLens, needWeights === undefined ? {} : { needWeights });
          out = flat(y);
          return sum(mul(y, y));
        });
        return { out, grads };
      };
      const materialised = run();
      expect(encoder.attentionWeights.every((w) => w !== null)).toBe(true);
      const fused = run(false);
      expect(encoder.attentionWeights).toEqual([null, null]);
      expectFloat32Close(fused.out, materialised.out);
      for (const [name, g] of Object.entries(materialised.grads)) expectFloat32Close(fused.grads[name]!, g);
    }
  });

  it('throws InvalidArgumentError for token ids outside [0, vocabSize) or non-int32 tokens', () => {
    const encoder = small();
    expect(() => encoder.forward(ids([1, 10], [1, 2]))).toThrow(
      /token ids must be in \[0, vocabSize = 10\); got 10 at \(0, 1\)/,
    );
    expect(() => encoder.forward(tensor([[1, 2]]))).toThrow(/tokens must have dtype int32; got float32/);
  });

  it('throws InvalidArgumentError for sequences longer than maxLen or valid lengths out of range', () => {
    const encoder = new TransformerEncoder({
      vocabSize: 5,
      numHiddens: 4,
      ffnNumHiddens: 4,
      numHeads: 2,
      numBlks: 1,
      maxLen: 2,
    });
    expect(() => encoder.forward(ids([1, 2, 3], [1, 3]))).toThrow(
      /at most maxLen 2; got offset 0 \+ length 3 = 3/,
    );
    expect(() => encoder.forward(ids([1, 2], [1, 2]), [3])).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when tokens are not (batch, positions)', () => {
    expect(() => small().forward(ids([1, 2], [2]))).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a bad config', () => {
    const base = { vocabSize: 10, numHiddens: 8, ffnNumHiddens: 16, numHeads: 2, numBlks: 1 };
    expect(() => new TransformerEncoder({ ...base, numHeads: 3 })).toThrow(/divisible by numHeads/);
    expect(() => new TransformerEncoder({ ...base, vocabSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => new TransformerEncoder({ ...base, numBlks: 1.5 })).toThrow(/numBlks/);
  });
});
