import { Generator, InvalidArgumentError, mul, ShapeError, sum, tensor, zeros } from '@attnkit/tensor';
import { checkGradients, checkParameterGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { LearnedPositionalEncoding } from './learned-positional-encoding.js';

describe('LearnedPositionalEncoding', () => {
  it('has one trainable (maxLen, numHiddens) weight under state key weight', () => {
    const pe = new LearnedPositionalEncoding({ maxLen: 16, numHiddens: 4 });
    expect(pe.weight.shape).toEqual([16, 4]);
    expect(pe.weight.requiresGrad).toBe(true);
    expect(Object.keys(pe.stateDict())).toEqual(['weight']);
    expect(pe.parameters()).toEqual([pe.weight]);
  });

  it('initialises weight from N(0, 0.02²) as GPT-2', () => {
    const w = flat(
      new LearnedPositionalEncoding({ maxLen: 512, numHiddens: 64, rng: new Generator(0) }).weight,
    );
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    // 32768 samples: the sample std is within ~0.4% of 0.02, the mean within ~1e-4 of 0.
    expect(Math.abs(std - 0.02)).toBeLessThan(4e-4);
    expect(Math.abs(mean)).toBeLessThan(5e-4);
  });

  it('draws the same weight from the same seed', () => {
    const make = (seed: number) =>
      flat(new LearnedPositionalEncoding({ maxLen: 4, numHiddens: 3, rng: new Generator(seed) }).weight);
    expectClose(make(5), make(5), { atol: 0, rtol: 0 });
    expect(() => expectClose(make(5), make(6), { atol: 0, rtol: 0 })).toThrow(/elements differ/);
  });

  it('adds rows offset … offset + n − 1 of a loaded weight', () => {
    const pe = new LearnedPositionalEncoding({ maxLen: 4, numHiddens: 2, dtype: 'float64' });
    pe.loadStateDict({
      weight: [
        [0, 1],
        [10, 11],
        [20, 21],
        [30, 31],
      ],
    });
    const X = tensor(
      [
        [
          [1, 1],
          [2, 2],
        ],
      ],
      { dtype: 'float64' },
    );
    expectClose(flat(pe.forward(X)), [1, 2, 12, 13], { atol: 0, rtol: 0 });
    expectClose(flat(pe.forward(X, { offset: 2 })), [21, 22, 32, 33], { atol: 0, rtol: 0 });
  });

  it('zeroes some entries with dropout in training mode only', () => {
    const pe = new LearnedPositionalEncoding({
      maxLen: 32,
      numHiddens: 8,
      dropout: 0.5,
      rng: new Generator(1),
    });
    const X = tensor(
      Array.from({ length: 256 }, () => 1),
      { shape: [1, 32, 8] },
    );
    expect(flat(pe.forward(X)).filter((v) => v === 0).length).toBeGreaterThan(64);
    expect(flat(pe.eval().forward(X)).filter((v) => v === 0).length).toBe(0);
  });

  it('computes X + weight[offset + t] for every batch, step and offset', () => {
    const inputs = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 6 }))
      .chain(([b, n, d]) =>
        fc.tuple(tensors({ shape: [b, n, d], dtype: 'float64' }), fc.integer({ min: 0, max: 8 - n })),
      );
    fc.assert(
      fc.property(inputs, fc.integer({ min: 0, max: 100 }), ([X, offset], seed) => {
        const d = X.shape[2]!;
        const n = X.shape[1]!;
        const pe = new LearnedPositionalEncoding({
          maxLen: 8,
          numHiddens: d,
          dtype: 'float64',
          rng: new Generator(seed),
        });
        const w = flat(pe.weight);
        const expected = flat(X).map((v, k) => v + w[(offset + (Math.floor(k / d) % n)) * d + (k % d)]!);
        expectClose(flat(pe.forward(X, { offset })), expected, { atol: 1e-12, rtol: 0 });
      }),
    );
  });

  it('matches central differences for X', () => {
    const pe = new LearnedPositionalEncoding({ maxLen: 6, numHiddens: 3, dtype: 'float64' });
    const X = tensor(
      Array.from({ length: 12 }, (_, i) => Math.cos(i)),
      { shape: [2, 2, 3], requiresGrad: true },
    );
    checkGradients((x) => pe.forward(x, { offset: 3 }), [X]);
  });

  it('matches central differences for weight, with zero gradient outside the window', () => {
    const pe = new LearnedPositionalEncoding({
      maxLen: 6,
      numHiddens: 3,
      dtype: 'float64',
      rng: new Generator(2),
    });
    const X = tensor(
      Array.from({ length: 12 }, (_, i) => Math.cos(i)),
      { shape: [2, 2, 3], dtype: 'float64' },
    );
    const R = tensor(
      Array.from({ length: 12 }, (_, i) => 1 + i),
      { shape: [2, 2, 3], dtype: 'float64' },
    );
    const loss = () => sum(mul(pe.forward(X, { offset: 1 }), R));
    checkParameterGradients(pe, loss, { atol: 1e-6, rtol: 0 });
    loss().backward();
    const g = flat(pe.weight.grad!);
    expectClose(g.slice(3, 6), [1 + 7, 2 + 8, 3 + 9], { atol: 1e-12, rtol: 0 }); // row 1 = R[0,0] + R[1,0]
    expectClose([...g.slice(0, 3), ...g.slice(9)], new Array<number>(12).fill(0), { atol: 0, rtol: 0 });
  });

  it('throws ShapeError when X is not (batch, positions, numHiddens)', () => {
    const pe = new LearnedPositionalEncoding({ maxLen: 8, numHiddens: 4 });
    expect(() => pe.forward(zeros([1, 2, 5]))).toThrow(ShapeError);
    expect(() => pe.forward(zeros([2, 4]))).toThrow(
      /X must have shape \(batch, positions, 4\); got \(2, 4\)/,
    );
  });

  it('throws InvalidArgumentError naming both numbers when offset + length exceeds maxLen', () => {
    const pe = new LearnedPositionalEncoding({ maxLen: 8, numHiddens: 4 });
    expect(() => pe.forward(zeros([1, 3, 4]), { offset: 6 })).toThrow(
      /maxLen 8; got offset 6 \+ length 3 = 9/,
    );
    expect(() => pe.forward(zeros([1, 1, 4]), { offset: -1 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for invalid sizes, dropout or dtype', () => {
    expect(() => new LearnedPositionalEncoding({ maxLen: -1, numHiddens: 4 })).toThrow(
      /maxLen must be an integer ≥ 0/,
    );
    expect(() => new LearnedPositionalEncoding({ maxLen: 4, numHiddens: 0 })).toThrow(
      /numHiddens must be an integer ≥ 1/,
    );
    expect(() => new LearnedPositionalEncoding({ maxLen: 4, numHiddens: 2, dropout: -0.1 })).toThrow(
      InvalidArgumentError,
    );
    // @ts-expect-error: int32 is not a parameter dtype.
    expect(() => new LearnedPositionalEncoding({ maxLen: 4, numHiddens: 2, dtype: 'int32' })).toThrow(
      InvalidArgumentError,
    );
  });
});
