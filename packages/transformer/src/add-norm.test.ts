import { Generator, InvalidArgumentError, ShapeError, tensor } from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, layerNormRef, wave } from '../test/helpers.js';
import { AddNorm } from './add-norm.js';

describe('AddNorm', () => {
  it('computes ln(Y + X) in eval mode, with the affine part', () => {
    const addNorm = new AddNorm({ normShape: 4, dropout: 0.5 }).eval();
    const weight = [1.1, 0.9, 1, 1.2];
    const bias = [0.1, -0.2, 0, 0.3];
    addNorm.loadStateDict({ 'ln.weight': weight, 'ln.bias': bias });
    const x = wave(24, 1);
    const y = wave(24, 2);
    const out = addNorm.forward(tensor(x, { shape: [2, 3, 4] }), tensor(y, { shape: [2, 3, 4] }));
    const expected = layerNormRef(
      x.map((v, i) => v + y[i]!),
      4,
      weight,
      bias,
    );
    expect(out.shape).toEqual([2, 3, 4]);
    expectClose(flat(out), expected, { atol: 1e-6, rtol: 0 });
  });

  it('has the D2L state keys ln.weight and ln.bias', () => {
    expect(Object.keys(new AddNorm({ normShape: 4, dropout: 0.5 }).stateDict())).toEqual([
      'ln.weight',
      'ln.bias',
    ]);
  });

  it('drops elements of Y, not of X, in training mode', () => {
    const addNorm = new AddNorm({ normShape: 2, dropout: 1, rng: new Generator(0) });
    // Y is dropped entirely (p = 1), so the output is ln(X): rows of X = [[1, 2], [2, 3]] give ±1.
    const out = addNorm.forward(
      tensor([
        [1, 2],
        [2, 3],
      ]),
      tensor([
        [50, -50],
        [7, 9],
      ]),
    );
    expectClose(flat(out), [-1, 1, -1, 1], { atol: 1e-4, rtol: 0 });
  });

  it('gives rows with mean bias and variance weight² for any X and Y', () => {
    const addNorm = new AddNorm({ normShape: 3, eps: 0 }).eval();
    const cases = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([b, n]) =>
        fc.tuple(
          tensors({ shape: [b, n, 3], dtype: 'float64', min: -5, max: 5 }),
          tensors({ shape: [b, n, 3], dtype: 'float64', min: -5, max: 5 }),
        ),
      );
    fc.assert(
      fc.property(cases, ([X, Y]) => {
        const s = flat(X).map((v, i) => v + flat(Y)[i]!);
        const out = flat(addNorm.forward(X, Y));
        for (let r = 0; r < s.length / 3; r++) {
          const row = s.slice(r * 3, r * 3 + 3);
          const mu = (row[0]! + row[1]! + row[2]!) / 3;
          if (Math.max(...row.map((v) => Math.abs(v - mu))) < 1e-3) continue; // constant row: 0/0
          const o = out.slice(r * 3, r * 3 + 3);
          expect(Math.abs(o[0]! + o[1]! + o[2]!)).toBeLessThan(1e-6);
          expect(Math.abs((o[0]! ** 2 + o[1]! ** 2 + o[2]! ** 2) / 3 - 1)).toBeLessThan(1e-5);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('has gradients in X and Y that match finite differences (float64)', () => {
    const addNorm = new AddNorm({ normShape: 4, dtype: 'float64' }).eval();
    addNorm.loadStateDict({ 'ln.weight': [1.1, 0.9, 1, 1.2], 'ln.bias': [0.1, -0.2, 0, 0.3] });
    const X = tensor(wave(12, 3), { shape: [3, 4], dtype: 'float64', requiresGrad: true });
    const Y = tensor(wave(12, 4), { shape: [3, 4], dtype: 'float64', requiresGrad: true });
    checkGradients((x, y) => addNorm.forward(x!, y!), [X, Y]);
  });

  it('throws InvalidArgumentError for a bad dropout or normShape', () => {
    expect(() => new AddNorm({ normShape: 4, dropout: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new AddNorm({ normShape: 0 })).toThrow(/normShape must be an integer ≥ 1; got 0/);
  });

  it('throws ShapeError when X and Y differ in shape or do not end in normShape', () => {
    const addNorm = new AddNorm({ normShape: 4 });
    expect(() =>
      addNorm.forward(tensor(wave(8), { shape: [2, 4] }), tensor(wave(4), { shape: [1, 4] })),
    ).toThrow(/Y must have the shape of X \(2, 4\); got \(1, 4\)/);
    expect(() =>
      addNorm.forward(tensor(wave(6), { shape: [2, 3] }), tensor(wave(6), { shape: [2, 3] })),
    ).toThrow(ShapeError);
  });
});
