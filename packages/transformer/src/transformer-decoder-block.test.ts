import { add, concat, Generator, InvalidArgumentError, narrow, ShapeError, tensor } from '@attnkit/tensor';
import { causalNoLeak, checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, wave } from '../test/helpers.js';
import { TransformerDecoderBlock, type TransformerDecoderState } from './transformer-decoder-block.js';

const H = 8;
const block = (seed = 0, dtype: 'float32' | 'float64' = 'float64') =>
  new TransformerDecoderBlock({
    numHiddens: H,
    ffnNumHiddens: 16,
    numHeads: 2,
    dtype,
    rng: new Generator(seed),
  });
const encOutputs = (batch: number, dtype: 'float32' | 'float64' = 'float64') =>
  tensor(wave(batch * 5 * H, 11), { shape: [batch, 5, H], dtype });
const fresh = (batch: number, dtype: 'float32' | 'float64' = 'float64'): TransformerDecoderState => ({
  encOutputs: encOutputs(batch, dtype),
  encValidLens: Array.from({ length: batch }, (_, b) => 2 + (b % 4)),
  keyValues: [null],
});

describe('TransformerDecoderBlock', () => {
  it('stores the inputs seen so far in state.keyValues[i], concatenated along the positions', () => {
    const blk = new TransformerDecoderBlock({ numHiddens: H, ffnNumHiddens: 16, numHeads: 2, i: 1 }).eval();
    const state: TransformerDecoderState = {
      encOutputs: encOutputs(2, 'float32'),
      encValidLens: null,
      keyValues: [null, null],
    };
    const X1 = tensor(wave(2 * 3 * H, 1), { shape: [2, 3, H] });
    const X2 = tensor(wave(2 * 1 * H, 2), { shape: [2, 1, H] });
    const [Y] = blk.forward(X1, state);
    expect(Y.shape).toEqual([2, 3, H]);
    expect(state.keyValues[0]).toBeNull();
    expect(state.keyValues[1]).toBe(X1);
    blk.forward(X2, state);
    expect(flat(state.keyValues[1]!)).toEqual(flat(concat([X1, X2], 1)));
  });

  it('decodes step by step in eval mode exactly as one training-mode forward (dropout 0)', () => {
    const cases = fc
      .record({ batch: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 6 }), seed: fc.nat(100) })
      .chain(({ batch, n, seed }) =>
        fc.tuple(tensors({ shape: [batch, n, H], dtype: 'float64', min: -2, max: 2 }), fc.constant(seed)),
      );
    fc.assert(
      fc.property(cases, ([X, seed]) => {
        const blk = block(seed);
        const [batch, n] = X.shape as [number, number];
        const [whole] = blk.train().forward(X, fresh(batch));
        blk.eval();
        const state = fresh(batch);
        const steps = Array.from({ length: n }, (_, t) => blk.forward(narrow(X, 1, t, 1), state)[0]);
        expectClose(flat(concat(steps, 1)), flat(whole), { atol: 1e-10, rtol: 0 });
      }),
      { numRuns: 25 },
    );
  });

  it('pre-norm: each sublayer reads ln of its input and adds to it (self-attention, cross-attention, FFN)', () => {
    const blk = new TransformerDecoderBlock({
      numHiddens: H,
      ffnNumHiddens: 16,
      numHeads: 2,
      norm: 'pre',
      dtype: 'float64',
      rng: new Generator(5),
    }).eval();
    const X = tensor(wave(2 * 4 * H, 7), { shape: [2, 4, H], dtype: 'float64' });
    const state = fresh(2);
    const causal = tensor([1, 2, 3, 4, 1, 2, 3, 4], { shape: [2, 4], dtype: 'int32' });
    const H1 = blk.addnorm1.ln.forward(X);
    const Y = add(X, blk.attention1.forward(H1, H1, H1, causal));
    const enc = state.encOutputs;
    const Z = add(Y, blk.attention2.forward(blk.addnorm2.ln.forward(Y), enc, enc, state.encValidLens!));
    const expected = add(Z, blk.ffn.forward(blk.addnorm3.ln.forward(Z)));
    expectClose(blk.forward(X, state)[0], expected, { atol: 1e-12 });
  });

  it('keeps a multi-token call in eval mode causal (D2L would let it see its future)', () => {
    const blk = block(3).eval();
    const X = tensor(wave(1 * 4 * H, 3), { shape: [1, 4, H], dtype: 'float64' });
    const [all] = blk.forward(X, fresh(1));
    const [first] = blk.forward(narrow(X, 1, 0, 1), fresh(1));
    expectClose(flat(narrow(all, 1, 0, 1)), flat(first), { atol: 1e-12, rtol: 0 });
  });

  it('does not let position t see inputs after t (causal self-attention)', () => {
    const blk = block(4).train();
    fc.assert(
      causalNoLeak((q) => blk.forward(q, fresh(q.shape[0]!))[0], {
        d: H,
        v: 1,
        dtype: 'float64',
        atol: 1e-10,
      }),
      { numRuns: 30 },
    );
  });

  it('has gradients in X and encOutputs that match finite differences (float64)', () => {
    const blk = new TransformerDecoderBlock({
      numHiddens: 4,
      ffnNumHiddens: 6,
      numHeads: 2,
      dtype: 'float64',
      rng: new Generator(5),
    });
    const X = tensor(wave(2 * 3 * 4, 4), { shape: [2, 3, 4], dtype: 'float64', requiresGrad: true });
    const enc = tensor(wave(2 * 2 * 4, 5), { shape: [2, 2, 4], dtype: 'float64', requiresGrad: true });
    checkGradients(
      (x, e) => blk.forward(x!, { encOutputs: e!, encValidLens: [1, 2], keyValues: [null] })[0],
      [X, enc],
    );
  });

  it('throws InvalidArgumentError for a bad config', () => {
    expect(() => new TransformerDecoderBlock({ numHiddens: 6, ffnNumHiddens: 4, numHeads: 4 })).toThrow(
      /numHiddens must be divisible by numHeads/,
    );
    expect(
      () => new TransformerDecoderBlock({ numHiddens: 8, ffnNumHiddens: 4, numHeads: 2, i: -1 }),
    ).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when X or the cached inputs do not fit', () => {
    const blk = block();
    expect(() => blk.forward(tensor(wave(12), { shape: [2, 6] }), fresh(2))).toThrow(
      /X must have shape \(batch, positions, 8\); got \(2, 6\)/,
    );
    const state = fresh(2);
    state.keyValues[0] = tensor(wave(3 * 2 * H), { shape: [3, 2, H], dtype: 'float64' });
    expect(() => blk.forward(tensor(wave(2 * H), { shape: [2, 1, H], dtype: 'float64' }), state)).toThrow(
      /state.keyValues\[0\] must have shape \(2, seen, 8\)/,
    );
    const wrongEnc = {
      ...fresh(2),
      encOutputs: tensor(wave(2 * 5 * 4), { shape: [2, 5, 4], dtype: 'float64' }),
    };
    expect(() => blk.forward(tensor(wave(2 * H), { shape: [2, 1, H], dtype: 'float64' }), wrongEnc)).toThrow(
      ShapeError,
    );
  });
});
