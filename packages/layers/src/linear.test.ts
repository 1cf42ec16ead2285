import {
  Generator,
  InvalidArgumentError,
  mul,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '@attnkit/tensor';
import { checkParameterGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Linear } from './linear.js';

const W = [
  [1, 2],
  [3, 4],
  [5, 6],
];
const B = [0.5, -1, 2];

function loaded(bias = true): Linear {
  const layer = new Linear({ inFeatures: 2, outFeatures: 3, bias });
  layer.loadStateDict(bias ? { weight: W, bias: B } : { weight: W });
  return layer;
}

describe('Linear', () => {
  it('computes x·Wᵀ + b', () => {
    const y = loaded().forward(
      tensor([
        [1, 1],
        [2, -1],
      ]),
    );
    expect(y.shape).toEqual([2, 3]);
    // Row 1: [1+2+0.5, 3+4−1, 5+6+2]; row 2: [2−2+0.5, 6−4−1, 10−6+2].
    expect(y.toArray()).toEqual([
      [3.5, 6, 13],
      [0.5, 1, 6],
    ]);
  });

  it('maps over any leading axes and accepts a 1-D input', () => {
    const layer = loaded();
    const y = layer.forward(tensor([[[1, 1]], [[2, -1]]]));
    expect(y.shape).toEqual([2, 1, 3]);
    expect(y.toArray()).toEqual([[[3.5, 6, 13]], [[0.5, 1, 6]]]);
    expect(layer.forward(tensor([1, 1])).toArray()).toEqual([3.5, 6, 13]);
  });

  it('omits the bias when bias is false', () => {
    const layer = loaded(false);
    expect(layer.bias).toBeNull();
    expect(Object.keys(layer.stateDict())).toEqual(['weight']);
    expect(layer.forward(tensor([[1, 1]])).toArray()).toEqual([[3, 7, 11]]);
  });

  it('stores weight (out, in) and bias (out) under the PyTorch keys', () => {
    const layer = new Linear({ inFeatures: 4, outFeatures: 5 });
    const state = layer.stateDict();
    expect(Object.keys(state)).toEqual(['weight', 'bias']);
    expect(state.weight?.shape).toEqual([5, 4]);
    expect(state.bias?.shape).toEqual([5]);
    expect(layer.inFeatures).toBe(4);
    expect(layer.outFeatures).toBe(5);
    expect(layer.numParameters()).toBe(25);
    expect(layer.weight.dtype).toBe('float32');
  });

  it('initialises weight and bias inside ±1/√inFeatures and spreads over that range', () => {
    const layer = new Linear({ inFeatures: 16, outFeatures: 64, rng: new Generator(1) });
    const bound = 1 / Math.sqrt(16);
    const w = [...layer.weight.toTypedArray()];
    const b = [...(layer.bias?.toTypedArray() ?? [])];
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    // 1024 draws from U(−0.25, 0.25): extremes near the bounds, mean near 0 (σ of the mean ≈ 0.0045).
    expect(Math.max(...w)).toBeGreaterThan(0.9 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.9 * bound);
    expect(Math.abs(w.reduce((s, v) => s + v, 0) / w.length)).toBeLessThan(0.02);
    expect(Math.max(...b) - Math.min(...b)).toBeGreaterThan(bound);
  });

  it('draws the same initial values from the same seed and other values from another', () => {
    const make = (seed: number): number[] => [
      ...new Linear({ inFeatures: 3, outFeatures: 2, rng: new Generator(seed) }).weight.toTypedArray(),
    ];
    expect(make(7)).toEqual(make(7));
    expect(make(7)).not.toEqual(make(8));
  });

  it('makes float64 parameters when asked', () => {
    const layer = new Linear({ inFeatures: 2, outFeatures: 2, dtype: 'float64' });
    expect(layer.weight.dtype).toBe('float64');
    expect(layer.bias?.dtype).toBe('float64');
  });

  it('infers inFeatures at the first forward when it is omitted (LazyLinear)', () => {
    const layer = new Linear({ outFeatures: 3, rng: new Generator(0) });
    expect(layer.inFeatures).toBeNull();
    expect(layer.parameters()).toEqual([]);
    expect(layer.stateDict()).toEqual({});
    const y = layer.forward(zeros([2, 4, 5]));
    expect(y.shape).toEqual([2, 4, 3]);
    expect(layer.inFeatures).toBe(5);
    expect(layer.weight.shape).toEqual([3, 5]);
    expect(layer.parameters()).toEqual([layer.weight, layer.bias]);
    expect(Object.keys(layer.stateDict())).toEqual(['weight', 'bias']);
    for (const v of layer.weight.toTypedArray()) expect(Math.abs(v)).toBeLessThanOrEqual(1 / Math.sqrt(5));
  });

  it('creates lazy parameters from the shapes given to loadStateDict', () => {
    const layer = new Linear({ outFeatures: 3 });
    layer.loadStateDict({ weight: W, bias: B });
    expect(layer.inFeatures).toBe(2);
    expect(layer.forward(tensor([[1, 1]])).toArray()).toEqual([[3.5, 6, 13]]);
  });

  it('stays lazy when loadStateDict with strict false gives no weight', () => {
    const layer = new Linear({ outFeatures: 3 });
    expect(layer.loadStateDict({}, { strict: false })).toEqual({
      missingKeys: ['weight', 'bias'],
      unexpectedKeys: [],
    });
    expect(layer.inFeatures).toBeNull();
  });

  it('matches an explicit loop over rows and columns', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 84, maxLength: 84 }),
        (rows, inF, outF, pool) => {
          const x = pool.slice(0, rows * inF);
          const w = pool.slice(36, 36 + outF * inF);
          const b = pool.slice(72, 72 + outF);
          const layer = new Linear({ inFeatures: inF, outFeatures: outF });
          layer.loadStateDict({ weight: w, bias: b });
          const y = layer.forward(tensor(x, { shape: [rows, inF] })).toArray() as number[][];
          for (let r = 0; r < rows; r++) {
            for (let o = 0; o < outF; o++) {
              let acc = b[o]!;
              for (let i = 0; i < inF; i++) acc += x[r * inF + i]! * w[o * inF + i]!;
              expect(y[r]![o]).toBeCloseTo(acc, 4);
            }
          }
        },
      ),
    );
  });

  it('matches finite differences in x, weight and bias (float64)', () => {
    const layer = new Linear({ inFeatures: 3, outFeatures: 2, dtype: 'float64', rng: new Generator(3) });
    const x = tensor([[[0.5, -1, 2]], [[1.5, 0.25, -0.75]]], { dtype: 'float64', requiresGrad: true });
    const c = tensor([[[1, -2]], [[0.5, 3]]], { dtype: 'float64' });
    const loss = (): Tensor => sum(mul(layer.forward(x), c));
    checkParameterGradients({ parameters: () => [x, layer.weight, layer.bias!] }, loss, {
      atol: 1e-6,
      rtol: 0,
    });
  });

  it('throws ShapeError naming x and both shapes when the last axis is not inFeatures', () => {
    expect(() => loaded().forward(tensor([[1, 2, 3]]))).toThrow(ShapeError);
    expect(() => loaded().forward(zeros([4, 3]))).toThrow('Linear: x must have shape (..., 2); got (4, 3).');
  });

  it('throws ShapeError for a scalar input', () => {
    expect(() => loaded().forward(tensor(1))).toThrow('Linear: x must have shape (..., 2); got ().');
  });

  it('throws InvalidArgumentError for a negative or fractional size', () => {
    expect(() => new Linear({ outFeatures: -1 })).toThrow(InvalidArgumentError);
    expect(() => new Linear({ inFeatures: 2.5, outFeatures: 2 })).toThrow(
      /inFeatures must be an integer ≥ 0/,
    );
  });

  it('throws InvalidArgumentError when weight or bias of a lazy layer is read before it exists', () => {
    const layer = new Linear({ outFeatures: 3 });
    expect(() => layer.weight).toThrow(InvalidArgumentError);
    expect(() => layer.bias).toThrow(/bias is not created yet/);
  });

  it('throws ShapeError for a lazy weight of the wrong shape and stays lazy', () => {
    const layer = new Linear({ outFeatures: 3 });
    expect(() => layer.loadStateDict({ weight: [[1, 2]], bias: B })).toThrow(
      'loadStateDict: weight must have shape (3, *); got (1, 2).',
    );
    expect(layer.inFeatures).toBeNull();
  });
});
