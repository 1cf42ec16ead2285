import { concat, Generator, InvalidArgumentError, narrow, ShapeError, tensor, zeros } from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, sinusoidRow } from '../test/helpers.js';
import { PositionalEncoding } from './positional-encoding.js';

describe('PositionalEncoding', () => {
  it('exposes P with shape (1, maxLen, numHiddens)', () => {
    const pe = new PositionalEncoding({ numHiddens: 32 });
    expect(pe.P.shape).toEqual([1, 1000, 32]);
    expect(new PositionalEncoding({ numHiddens: 4, maxLen: 7 }).P.shape).toEqual([1, 7, 4]);
  });

  it('returns P[:, :60, :] for zeros, as in D2L (encoding_dim, num_steps = 32, 60)', () => {
    const pe = new PositionalEncoding({ numHiddens: 32 }).eval();
    const X = flat(pe.forward(zeros([1, 60, 32])));
    expect(X.length).toBe(60 * 32);
    for (const i of [0, 1, 30, 59]) {
      expectClose(X.slice(i * 32, (i + 1) * 32), sinusoidRow(i, 32), { atol: 1e-7, rtol: 0 });
    }
  });

  it('keeps an empty state dict, with P a non-persistent buffer', () => {
    const pe = new PositionalEncoding({ numHiddens: 8, dropout: 0.1 });
    expect(Object.keys(pe.stateDict())).toEqual([]);
    expect(pe.namedBuffers().map(([name]) => name)).toEqual(['P']);
    expect(pe.parameters()).toEqual([]);
  });

  it('adds P[offset] with { offset }, not position 0 (the D2L decoding bug)', () => {
    const pe = new PositionalEncoding({ numHiddens: 6, maxLen: 20 });
    const step = flat(pe.forward(zeros([1, 1, 6]), { offset: 7 }));
    expectClose(step, sinusoidRow(7, 6), { atol: 1e-7, rtol: 0 });
    expect(() => expectClose(step, sinusoidRow(0, 6), { atol: 0.1, rtol: 0 })).toThrow(/elements differ/);
  });

  it('gives the same result step by step with offsets as on the whole sequence', () => {
    const pe = new PositionalEncoding({ numHiddens: 4, maxLen: 10 });
    const X = tensor(
      Array.from({ length: 2 * 5 * 4 }, (_, i) => Math.sin(i)),
      { shape: [2, 5, 4] },
    );
    const whole = flat(pe.forward(X));
    const steps = [0, 1, 2, 3, 4].map((t) => pe.forward(narrow(X, 1, t, 1), { offset: t }));
    expectClose(flat(concat(steps, 1)), whole, { atol: 0, rtol: 0 });
  });

  it('applies dropout in training mode and not in eval mode', () => {
    const pe = new PositionalEncoding({ numHiddens: 8, dropout: 0.5, maxLen: 64, rng: new Generator(0) });
    const X = zeros([4, 64, 8]);
    const trained = flat(pe.forward(X));
    const zerosCount = trained.filter((v) => v === 0).length;
    // Half of the non-zero entries of X + P are dropped; the kept ones are doubled.
    expect(zerosCount / trained.length).toBeGreaterThan(0.4);
    const evaluated = flat(pe.eval().forward(X));
    expectClose(evaluated.slice(8, 16), sinusoidRow(1, 8), { atol: 1e-7, rtol: 0 });
  });

  it('computes X + P[offset + t] for every batch, step and offset', () => {
    const inputs = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 6 }))
      .chain(([b, n, d]) =>
        fc.tuple(tensors({ shape: [b, n, d], dtype: 'float64' }), fc.integer({ min: 0, max: 10 - n })),
      );
    fc.assert(
      fc.property(inputs, ([X, offset]) => {
        const [b, n, d] = X.shape as [number, number, number];
        const pe = new PositionalEncoding({ numHiddens: d, maxLen: 10 });
        const out = flat(pe.forward(X, { offset }));
        const x = flat(X);
        const expected = x.map((v, k) => v + sinusoidRow(offset + (Math.floor(k / d) % n), d)[k % d]!);
        expect(out.length).toBe(b * n * d);
        expectClose(out, expected, { atol: 1e-6, rtol: 0 });
      }),
    );
  });

  it('passes the gradient of X through unchanged', () => {
    const pe = new PositionalEncoding({ numHiddens: 4, maxLen: 8 }).eval();
    const X = tensor(
      Array.from({ length: 24 }, (_, i) => i / 10),
      { shape: [2, 3, 4], requiresGrad: true },
    );
    checkGradients((x) => pe.forward(x, { offset: 2 }), [X]);
  });

  it('throws ShapeError when the last axis of X is not numHiddens', () => {
    const pe = new PositionalEncoding({ numHiddens: 8 });
    expect(() => pe.forward(zeros([1, 3, 6]))).toThrow(ShapeError);
    expect(() => pe.forward(zeros([1, 3, 6]))).toThrow(
      /X must have shape \(batch, positions, 8\); got \(1, 3, 6\)/,
    );
  });

  it('throws ShapeError when X is not 3-D', () => {
    expect(() => new PositionalEncoding({ numHiddens: 8 }).forward(zeros([3, 8]))).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError naming both numbers when offset + length exceeds maxLen', () => {
    const pe = new PositionalEncoding({ numHiddens: 4, maxLen: 10 });
    expect(() => pe.forward(zeros([1, 4, 4]), { offset: 7 })).toThrow(InvalidArgumentError);
    expect(() => pe.forward(zeros([1, 4, 4]), { offset: 7 })).toThrow(
      /maxLen 10; got offset 7 \+ length 4 = 11/,
    );
    expect(() => pe.forward(zeros([1, 11, 4]))).toThrow(/maxLen 10; got offset 0 \+ length 11 = 11/);
  });

  it('throws InvalidArgumentError for a negative or fractional offset', () => {
    const pe = new PositionalEncoding({ numHiddens: 4, maxLen: 10 });
    expect(() => pe.forward(zeros([1, 1, 4]), { offset: -1 })).toThrow(
      /offset must be an integer ≥ 0; got -1/,
    );
    expect(() => pe.forward(zeros([1, 1, 4]), { offset: 0.5 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for invalid numHiddens, maxLen or dropout', () => {
    expect(() => new PositionalEncoding({ numHiddens: 0 })).toThrow(/numHiddens must be an integer ≥ 1/);
    expect(() => new PositionalEncoding({ numHiddens: 4, maxLen: -2 })).toThrow(
      /maxLen must be an integer ≥ 0/,
    );
    expect(() => new PositionalEncoding({ numHiddens: 4, dropout: 1.5 })).toThrow(InvalidArgumentError);
  });
});
