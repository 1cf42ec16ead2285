import { add, Generator, InvalidArgumentError, narrow, ShapeError, sum, tensor } from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, wave } from '../test/helpers.js';
import { TransformerEncoderBlock } from './transformer-encoder-block.js';

const block = (numHiddens = 8, numHeads = 2, seed = 0, dtype: 'float32' | 'float64' = 'float32') =>
  new TransformerEncoderBlock({
    numHiddens,
    ffnNumHiddens: 16,
    numHeads,
    dtype,
    rng: new Generator(seed),
  }).eval();

describe('TransformerEncoderBlock', () => {
  it('keeps the shape of X, as D2L (ones (2, 100, 24), validLens [3, 2])', () => {
    const blk = new TransformerEncoderBlock({
      numHiddens: 24,
      ffnNumHiddens: 48,
      numHeads: 8,
      dropout: 0.5,
    }).eval();
    expect(blk.forward(tensor(wave(2 * 100 * 24), { shape: [2, 100, 24] }), [3, 2]).shape).toEqual([
      2, 100, 24,
    ]);
  });

  it('gives zero attention weight to padding keys at or beyond validLens', () => {
    const blk = block();
    blk.forward(tensor(wave(2 * 5 * 8), { shape: [2, 5, 8] }), [3, 5]);
    const w = flat(blk.attention.attentionWeights!); // (batch·heads, 5, 5)
    for (let h = 0; h < 2; h++) {
      for (let q = 0; q < 5; q++)
        for (let k = 3; k < 5; k++) expect(w[(h * 5 + q) * 5 + k]).toBeLessThan(1e-6);
    }
  });

  it('registers attention.W_q … addnorm2.ln.bias with useBias adding attention biases', () => {
    const keys = Object.keys(
      new TransformerEncoderBlock({
        numHiddens: 4,
        ffnNumHiddens: 8,
        numHeads: 2,
        useBias: true,
      }).stateDict(),
    );
    expect(keys).toEqual([
      'attention.W_q.weight',
      'attention.W_q.bias',
      'attention.W_k.weight',
      'attention.W_k.bias',
      'attention.W_v.weight',
      'attention.W_v.bias',
      'attention.W_o.weight',
      'attention.W_o.bias',
      'addnorm1.ln.weight',
      'addnorm1.ln.bias',
      'ffn.dense1.weight',
      'ffn.dense1.bias',
      'ffn.dense2.weight',
      'ffn.dense2.bias',
      'addnorm2.ln.weight',
      'addnorm2.ln.bias',
    ]);
  });

  it('pre-norm: Y = X + attention(ln1 X), output Y + ffn(ln2 Y), with no norm after the residuals', () => {
    const blk = new TransformerEncoderBlock({
      numHiddens: 8,
      ffnNumHiddens: 16,
      numHeads: 2,
      norm: 'pre',
      dtype: 'float64',
      rng: new Generator(7),
    }).eval();
    const X = tensor(wave(2 * 5 * 8, 3), { shape: [2, 5, 8], dtype: 'float64' });
    const lens = [4, 2];
    const H1 = blk.addnorm1.ln.forward(X);
    const Y = add(X, blk.attention.forward(H1, H1, H1, lens));
    const expected = add(Y, blk.ffn.forward(blk.addnorm2.ln.forward(Y)));
    expectClose(blk.forward(X, lens), expected, { atol: 1e-12 });
    // Post-norm, from the same weights, is another function.
    const post = new TransformerEncoderBlock({
      numHiddens: 8,
      ffnNumHiddens: 16,
      numHeads: 2,
      dtype: 'float64',
    }).eval();
    post.loadStateDict(blk.stateDict());
    const diff = flat(post.forward(X, lens)).map((v, i) => Math.abs(v - flat(expected)[i]!));
    expect(Math.max(...diff)).toBeGreaterThan(1e-3);
  });

  it('applies dropout only in training mode', () => {
    const blk = new TransformerEncoderBlock({ numHiddens: 8, ffnNumHiddens: 16, numHeads: 2, dropout: 0.5 });
    const X = tensor(wave(2 * 4 * 8), { shape: [2, 4, 8] });
    const a = flat(blk.eval().forward(X));
    expectClose(a, flat(blk.forward(X)), { atol: 0, rtol: 0 });
    expect(() => expectClose(a, flat(blk.train().forward(X)), { atol: 1e-3, rtol: 0 })).toThrow(
      /elements differ/,
    );
  });

  it('ignores the content of padding positions at the valid positions', () => {
    const blk = block(8, 2, 1, 'float64');
    const cases = fc
      .tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 5 }))
      .chain(([n, len]) =>
        fc.tuple(
          tensors({ shape: [1, n, 8], dtype: 'float64', min: -2, max: 2 }),
          tensors({ shape: [1, n, 8], dtype: 'float64', min: -2, max: 2 }),
          fc.constant(Math.min(len, n)),
        ),
      );
    fc.assert(
      fc.property(cases, ([X, other, len]) => {
        const n = X.shape[1]!;
        // Replace positions ≥ len by other's rows: the valid outputs must not change.
        const x = flat(X);
        const o = flat(other);
        const spliced = x.map((v, i) => (Math.floor(i / 8) >= len ? o[i]! : v));
        const a = flat(narrow(blk.forward(X, [len]), 1, 0, len));
        const b = flat(
          narrow(blk.forward(tensor(spliced, { shape: [1, n, 8], dtype: 'float64' }), [len]), 1, 0, len),
        );
        expectClose(a, b, { atol: 1e-9, rtol: 0 });
      }),
      { numRuns: 30 },
    );
  });

  it('has gradients in X that match finite differences (float64)', () => {
    const blk = block(4, 2, 2, 'float64');
    const X = tensor(wave(2 * 3 * 4, 9), { shape: [2, 3, 4], dtype: 'float64', requiresGrad: true });
    checkGradients((x) => blk.forward(x, [2, 3]), [X]);
  });

  it('accumulates gradients in every parameter', () => {
    const blk = block(4, 2, 3);
    sum(blk.forward(tensor(wave(24), { shape: [2, 3, 4] }))).backward();
    for (const [name, p] of blk.namedParameters()) expect(p.grad, name).not.toBeNull();
  });

  it('throws InvalidArgumentError when numHiddens is not divisible by numHeads', () => {
    expect(() => new TransformerEncoderBlock({ numHiddens: 10, ffnNumHiddens: 8, numHeads: 4 })).toThrow(
      /numHiddens must be divisible by numHeads; got numHiddens 10 and numHeads 4/,
    );
    expect(() => new TransformerEncoderBlock({ numHiddens: 8, ffnNumHiddens: 0, numHeads: 2 })).toThrow(
      InvalidArgumentError,
    );
    expect(
      () => new TransformerEncoderBlock({ numHiddens: 8, ffnNumHiddens: 8, numHeads: 2, dropout: -0.1 }),
    ).toThrow(/dropout must be a number in \[0, 1\]/);
  });

  it('throws ShapeError when X is not (batch, positions, numHiddens) or validLens does not fit', () => {
    const blk = block();
    expect(() => blk.forward(tensor(wave(2 * 3 * 6), { shape: [2, 3, 6] }))).toThrow(ShapeError);
    expect(() => blk.forward(tensor(wave(2 * 3 * 8), { shape: [2, 3, 8] }), [1, 2, 3])).toThrow(ShapeError);
    expect(() => blk.forward(tensor(wave(2 * 3 * 8), { shape: [2, 3, 8] }), [1, 4])).toThrow(
      InvalidArgumentError,
    );
  });
});
