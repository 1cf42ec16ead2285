import { Generator, InvalidArgumentError, ones, sum, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dropout, dropout } from './dropout.js';

const N = 20_000;

function values(t: { toTypedArray(): ArrayLike<number> }): number[] {
  return Array.from(t.toTypedArray());
}

describe('dropout', () => {
  it('zeroes about p of the elements and scales the rest by 1/(1 − p)', () => {
    const out = values(dropout(ones([N]), 0.25, { rng: new Generator(0) }));
    const zeros = out.filter((v) => v === 0).length;
    // Binomial: σ of the dropped fraction is √(0.25·0.75/N) ≈ 0.003.
    expect(Math.abs(zeros / N - 0.25)).toBeLessThan(0.02);
    for (const v of out) if (v !== 0) expect(v).toBeCloseTo(1 / 0.75, 6);
  });

  it('preserves the mean in expectation', () => {
    const x = tensor(Array.from({ length: N }, (_, i) => (i % 7) - 2));
    const before = values(x).reduce((s, v) => s + v, 0) / N;
    const after = values(dropout(x, 0.5, { rng: new Generator(1) })).reduce((s, v) => s + v, 0) / N;
    expect(Math.abs(after - before)).toBeLessThan(0.1);
  });

  it('draws the same mask from the same seed and another from another', () => {
    const mask = (seed: number): number[] => values(dropout(ones([64]), 0.5, { rng: new Generator(seed) }));
    expect(mask(3)).toEqual(mask(3));
    expect(mask(3)).not.toEqual(mask(4));
  });

  it('returns x itself when not training or when p is 0', () => {
    const x = tensor([1, 2, 3]);
    expect(dropout(x, 0.5, { training: false })).toBe(x);
    expect(dropout(x, 0)).toBe(x);
  });

  it('returns zeros when p is 1, as PyTorch and D2L do', () => {
    expect(values(dropout(tensor([1, -2, 3]), 1)).every((v) => v === 0)).toBe(true);
  });

  it('gives each element either 0 or x/(1 − p)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 36 }),
        (p, seed, xs) => {
          const out = values(dropout(tensor(xs, { dtype: 'float64' }), p, { rng: new Generator(seed) }));
          out.forEach((v, i) => {
            if (v !== 0) expect(v).toBeCloseTo(xs[i]! / (1 - p), 9);
          });
        },
      ),
    );
  });

  it('passes the gradient through the same mask, scaled by 1/(1 − p)', () => {
    const x = ones([200], { requiresGrad: true });
    const y = dropout(x, 0.4, { rng: new Generator(5) });
    sum(y).backward();
    // For x = 1 the output equals the scaled mask, which is also dy/dx.
    const grad = values(x.grad!);
    values(y).forEach((v, i) => {
      expect(grad[i]).toBeCloseTo(v, 6);
    });
    expect(grad.some((g) => g === 0)).toBe(true);
  });

  it('throws InvalidArgumentError when p is outside [0, 1]', () => {
    expect(() => dropout(tensor([1]), -0.1)).toThrow(InvalidArgumentError);
    expect(() => dropout(tensor([1]), 1.5)).toThrow('dropout: p must be a number in [0, 1]; got 1.5.');
    expect(() => dropout(tensor([1]), Number.NaN)).toThrow(InvalidArgumentError);
  });
});

describe('Dropout', () => {
  it('drops in training mode and is the identity in eval mode', () => {
    const layer = new Dropout({ p: 0.5, rng: new Generator(2) });
    const x = ones([1000]);
    expect(layer.training).toBe(true);
    const trained = values(layer.forward(x));
    expect(trained.filter((v) => v === 0).length).toBeGreaterThan(400);
    expect(layer.eval().forward(x)).toBe(x);
    layer.train();
    expect(values(layer.forward(x)).some((v) => v === 0)).toBe(true);
  });

  it('defaults to p = 0.5 and has no parameters', () => {
    const layer = new Dropout();
    expect(layer.p).toBe(0.5);
    expect(layer.parameters()).toEqual([]);
    expect(layer.stateDict()).toEqual({});
  });

  it('draws a new mask at each call from its generator', () => {
    const layer = new Dropout({ p: 0.5, rng: new Generator(9) });
    expect(values(layer.forward(ones([64])))).not.toEqual(values(layer.forward(ones([64]))));
  });

  it('throws InvalidArgumentError when p is outside [0, 1]', () => {
    expect(() => new Dropout({ p: 2 })).toThrow(InvalidArgumentError);
    expect(() => new Dropout({ p: -1 })).toThrow('Dropout: p must be a number in [0, 1]; got -1.');
  });
});
