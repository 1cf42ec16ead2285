import { Generator, InvalidArgumentError, ShapeError, tensor } from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, linearRef, wave } from '../test/helpers.js';
import { PositionWiseFFN } from './position-wise-ffn.js';

const W1 = wave(12, 1); // (3, 4)
const B1 = wave(3, 2);
const W2 = wave(6, 3); // (2, 3)
const B2 = wave(2, 4);

const state = () => ({
  'dense1.weight': tensor(W1, { shape: [3, 4] }),
  'dense1.bias': B1,
  'dense2.weight': W2,
  'dense2.bias': B2,
});

function loaded(activation: 'relu' | 'gelu' = 'relu'): PositionWiseFFN {
  const ffn = new PositionWiseFFN({ ffnNumHiddens: 3, ffnNumOutputs: 2, activation });
  ffn.loadStateDict(state());
  return ffn;
}

const erf = (x: number): number => {
  // Abramowitz–Stegun 7.1.26 is too coarse; integrate exp(−t²) with Simpson's rule instead.
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 === 0 ? 2 : 4) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
};

describe('PositionWiseFFN', () => {
  it('computes dense2(relu(dense1(X))) at every position', () => {
    const x = wave(2 * 3 * 4, 5);
    const out = loaded().forward(tensor(x, { shape: [2, 3, 4] }));
    expect(out.shape).toEqual([2, 3, 2]);
    const hidden = linearRef(x, 4, W1, 3, B1).map((v) => Math.max(v, 0));
    expectClose(flat(out), linearRef(hidden, 3, W2, 2, B2), { atol: 1e-6, rtol: 0 });
  });

  it('uses the exact GELU with activation gelu', () => {
    const x = wave(4 * 4, 6);
    const out = loaded('gelu').forward(tensor(x, { shape: [4, 4] }));
    const hidden = linearRef(x, 4, W1, 3, B1).map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
    expectClose(flat(out), linearRef(hidden, 3, W2, 2, B2), { atol: 1e-6, rtol: 0 });
  });

  it('stores dense1 and dense2 under the D2L PyTorch keys', () => {
    const ffn = new PositionWiseFFN({ ffnNumHiddens: 4, ffnNumOutputs: 8, ffnNumInputs: 4 });
    const shapes = Object.entries(ffn.stateDict()).map(([k, v]) => [k, v.shape]);
    expect(shapes).toEqual([
      ['dense1.weight', [4, 4]],
      ['dense1.bias', [4]],
      ['dense2.weight', [8, 4]],
      ['dense2.bias', [8]],
    ]);
  });

  it('infers the input width from the first input when ffnNumInputs is omitted', () => {
    const ffn = new PositionWiseFFN({ ffnNumHiddens: 4, ffnNumOutputs: 8, rng: new Generator(0) });
    expect(Object.keys(ffn.stateDict())).toEqual(['dense2.weight', 'dense2.bias']);
    expect(ffn.forward(tensor(wave(30), { shape: [2, 3, 5] })).shape).toEqual([2, 3, 8]);
    expect(ffn.dense1.weight.shape).toEqual([4, 5]);
  });

  it('equals the explicit two-layer loop at every position for any input', () => {
    const ffn = loaded();
    const cases = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }))
      .chain(([b, n]) => tensors({ shape: [b, n, 4], dtype: 'float64', min: -3, max: 3 }));
    fc.assert(
      fc.property(cases, (X) => {
        const hidden = linearRef(flat(X), 4, W1, 3, B1).map((v) => Math.max(v, 0));
        expectClose(flat(ffn.forward(X)), linearRef(hidden, 3, W2, 2, B2), { atol: 1e-5, rtol: 0 });
      }),
      { numRuns: 30 },
    );
  });

  it('has gradients that match finite differences (float64)', () => {
    const ffn = new PositionWiseFFN({ ffnNumHiddens: 3, ffnNumOutputs: 2, dtype: 'float64' });
    ffn.loadStateDict(state());
    const X = tensor(wave(2 * 3 * 4, 7), { shape: [2, 3, 4], dtype: 'float64', requiresGrad: true });
    checkGradients((x) => ffn.forward(x), [X]);
  });

  it('throws InvalidArgumentError for a bad width or activation', () => {
    expect(() => new PositionWiseFFN({ ffnNumHiddens: 0, ffnNumOutputs: 2 })).toThrow(InvalidArgumentError);
    expect(() => new PositionWiseFFN({ ffnNumHiddens: 2, ffnNumOutputs: 1.5 })).toThrow(/ffnNumOutputs/);
    expect(() => new PositionWiseFFN({ ffnNumHiddens: 2, ffnNumOutputs: 2, ffnNumInputs: 0 })).toThrow(
      /ffnNumInputs/,
    );
    expect(
      () => new PositionWiseFFN({ ffnNumHiddens: 2, ffnNumOutputs: 2, activation: 'tanh' as 'relu' }),
    ).toThrow(/activation must be one of 'relu', 'gelu'; got 'tanh'/);
  });

  it('throws ShapeError when X has the wrong width', () => {
    expect(() => loaded().forward(tensor(wave(6), { shape: [2, 3] }))).toThrow(ShapeError);
  });
});
