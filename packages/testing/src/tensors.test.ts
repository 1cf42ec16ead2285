import { InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapes } from './shapes.js';
import { tensors } from './tensors.js';

const view = (t: Tensor) => ({ dtype: t.dtype, shape: t.shape, values: t.toArray() });
const values = (t: Tensor) => Array.from(t.toTypedArray());

describe('tensors', () => {
  it('gives int32 tensors of a fixed shape with integers in [min, max]', () => {
    for (const t of fc.sample(tensors({ shape: [2, 3], dtype: 'int32', min: -2.5, max: 2 }), 30)) {
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([2, 3]);
      expect(values(t).every((v) => Number.isInteger(v) && v >= -2 && v <= 2)).toBe(true);
    }
  });

  it('gives bool tensors and leaves that require gradients', () => {
    const [mask] = fc.sample(tensors({ shape: [4], dtype: 'bool' }), 1);
    expect(mask!.dtype).toBe('bool');
    expect((mask!.toArray() as boolean[]).every((b) => typeof b === 'boolean')).toBe(true);
    const [x] = fc.sample(tensors({ dtype: 'float64', requiresGrad: true }), 1);
    expect(x!.requiresGrad).toBe(true);
    expect(x!.isLeaf).toBe(true);
  });

  it('rounds float32 bounds inward so every element stays inside [min, max]', () => {
    // 0.1 is not a float32: Math.fround(0.1) > 0.1, so plain rounding would overshoot max.
    const sample = fc.sample(tensors({ shape: [6], min: -0.1, max: 0.1 }), { seed: 1, numRuns: 200 });
    const all = sample.flatMap(values);
    expect(all.every((v) => v >= -0.1 && v <= 0.1)).toBe(true);
    expect(Math.max(...all)).toBeGreaterThan(0.0999); // the bound itself is drawn
  });

  it('spreads elements over the range rather than crowding near 0', () => {
    const all = fc.sample(tensors({ shape: [6] }), { seed: 7, numRuns: 100 }).flatMap(values);
    expect(all.filter((v) => Math.abs(v) >= 1).length / all.length).toBeGreaterThan(0.4);
  });

  it('gives the same tensors for the same seed', () => {
    const run = () => fc.sample(tensors(), { seed: 42, numRuns: 20 }).map(view);
    expect(run()).toEqual(run());
  });

  it('gives finite elements of the dtype within [min, max] for any bounds', () => {
    const dtype = fc.constantFrom('float32' as const, 'float64' as const, 'int32' as const);
    const range = fc
      .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
      .map(([lo, width]) => [lo / 8, (lo + width) / 8 + 1] as const);
    fc.assert(
      fc.property(dtype, range, fc.gen(), (dt, [min, max], g) => {
        const t = g(tensors, { shape: shapes({ maxSide: 4 }), dtype: dt, min, max });
        expect(t.dtype).toBe(dt);
        for (const v of values(t)) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v >= min && v <= max).toBe(true);
          if (dt === 'float32') expect(Math.fround(v)).toBe(v);
          if (dt === 'int32') expect(Number.isInteger(v)).toBe(true);
        }
      }),
    );
  });

  it('uses a drawn shape when given a shape arbitrary', () => {
    fc.assert(
      fc.property(tensors({ shape: shapes({ minRank: 2, maxRank: 2, maxSide: 3 }) }), (t) => {
        expect(t.ndim).toBe(2);
        expect(t.numel()).toBe(t.shape[0]! * t.shape[1]!);
      }),
    );
  });

  it('shrinks a failing tensor to shape (1) holding 0', () => {
    const ce = fc.check(fc.property(tensors(), (t) => t.ndim < 1)).counterexample;
    expect(view(ce![0])).toEqual({ dtype: 'float32', shape: [1], values: [0] });
  });

  it('shrinks the elements of a fixed shape toward 0, or the bound nearest 0', () => {
    const big = fc.check(fc.property(tensors({ shape: [2, 3] }), (t) => values(t).every((v) => v < 1)));
    const shrunk = values(big.counterexample![0]);
    expect(shrunk.filter((v) => v !== 0)).toHaveLength(1);
    expect(Math.max(...shrunk)).toBeCloseTo(1, 5);
    const drawn = fc.check(fc.property(tensors(), (t) => values(t).every((v) => v < 1))).counterexample;
    expect(drawn![0].shape).toEqual([]); // the failing element moves to the front, then the shape shrinks
    expect(drawn![0].item()).toBeCloseTo(1, 5);
    // Locally smallest sizes ≥ 3 are (3) and (2, 2); the elements go to the bound nearest 0.
    const positive = fc.check(fc.property(tensors({ min: 2, max: 5 }), (t) => t.numel() < 3)).counterexample;
    expect([3, 4]).toContain(positive![0].numel());
    expect(values(positive![0]).every((v) => v === 2)).toBe(true);
  });

  it('throws InvalidArgumentError when requiresGrad is set for an integer or bool dtype', () => {
    expect(() => tensors({ dtype: 'int32', requiresGrad: true })).toThrow(InvalidArgumentError);
    expect(() => tensors({ dtype: 'bool', requiresGrad: true })).toThrow(
      /requiresGrad needs a float32 or float64/,
    );
  });

  it('throws InvalidArgumentError when min > max or a bound is not finite', () => {
    expect(() => tensors({ min: 1, max: 0 })).toThrow(/tensors: min must be ≤ max; got min 1, max 0/);
    expect(() => tensors({ max: Number.POSITIVE_INFINITY })).toThrow(/must be finite/);
    expect(() => tensors({ min: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when no value of the dtype lies in [min, max]', () => {
    expect(() => tensors({ min: 0.1, max: 0.1 })).toThrow(/no float32 value lies in \[0.1, 0.1\]/);
    expect(() => tensors({ dtype: 'int32', min: 0.2, max: 0.8 })).toThrow(/no int32 value/);
    expect(() => tensors({ max: 1e39 })).toThrow(/float32 range/);
  });

  it('throws InvalidArgumentError when a fixed shape has a negative extent', () => {
    expect(() => tensors({ shape: [2, -1] })).toThrow(
      /shape must contain non-negative integers; got \(2, -1\)/,
    );
  });
});
