import { InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shapes } from './shapes.js';

/** Ordered pairs [low, high] with 0 ≤ low ≤ high ≤ max, built without filtering. */
const bounds = (max: number) =>
  fc.tuple(fc.nat(max), fc.nat(max)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

describe('shapes', () => {
  it('gives the only shape a degenerate range allows', () => {
    expect(fc.sample(shapes({ minRank: 2, maxRank: 2, minSide: 3, maxSide: 3 }), 5)).toEqual(
      Array(5).fill([3, 3]),
    );
  });

  it('defaults to ranks 0–4 and sides 1–6, reaching both ends', () => {
    const sample = fc.sample(shapes(), { seed: 42, numRuns: 300 });
    const ranks = sample.map((s) => s.length);
    const sides = sample.flat();
    expect([Math.min(...ranks), Math.max(...ranks)]).toEqual([0, 4]);
    expect([Math.min(...sides), Math.max(...sides)]).toEqual([1, 6]);
  });

  it('raises the default maxRank and maxSide to minRank and minSide', () => {
    for (const s of fc.sample(shapes({ minRank: 5, minSide: 7 }), 20)) {
      expect(s.length).toBe(5);
      expect(s.every((d) => d === 7)).toBe(true);
    }
  });

  it('gives the same shapes for the same seed', () => {
    const run = () => fc.sample(shapes(), { seed: 42, numRuns: 20 });
    expect(run()).toEqual(run());
  });

  it('keeps every rank and extent within its bounds', () => {
    fc.assert(
      fc.property(bounds(5), bounds(6), fc.gen(), ([minRank, maxRank], [minSide, maxSide], g) => {
        const shape = g(shapes, { minRank, maxRank, minSide, maxSide });
        expect(shape.length).toBeGreaterThanOrEqual(minRank);
        expect(shape.length).toBeLessThanOrEqual(maxRank);
        for (const d of shape) {
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeGreaterThanOrEqual(minSide);
          expect(d).toBeLessThanOrEqual(maxSide);
        }
      }),
    );
  });

  it('shrinks a failing shape to one axis of extent minSide', () => {
    const nonScalarFails = (minSide: number) =>
      fc.check(fc.property(shapes({ minSide }), (s) => s.length < 1)).counterexample;
    expect(nonScalarFails(1)).toEqual([[1]]);
    expect(nonScalarFails(3)).toEqual([[3]]);
  });

  it('shrinks a failing large shape to a locally smallest large one', () => {
    // No single decrement or removal keeps the size ≥ 30 only up to size 36 (e.g. (2, 2, 3, 3)).
    const bigFails = fc.check(fc.property(shapes(), (s) => s.reduce((a, b) => a * b, 1) < 30)).counterexample;
    const [shape] = bigFails!;
    expect(shape.reduce((a, b) => a * b, 1)).toBeGreaterThanOrEqual(30);
    expect(shape.reduce((a, b) => a * b, 1)).toBeLessThanOrEqual(36);
  });

  it('throws InvalidArgumentError when minRank > maxRank or minSide > maxSide', () => {
    expect(() => shapes({ minRank: 3, maxRank: 2 })).toThrow(InvalidArgumentError);
    expect(() => shapes({ minRank: 3, maxRank: 2 })).toThrow(
      /minRank must be ≤ maxRank; got minRank 3, maxRank 2/,
    );
    expect(() => shapes({ minSide: 5, maxSide: 4 })).toThrow(/minSide must be ≤ maxSide/);
  });

  it('throws InvalidArgumentError when a bound is negative or not an integer', () => {
    expect(() => shapes({ minRank: -1 })).toThrow(/shapes: minRank must be an integer ≥ 0; got -1/);
    expect(() => shapes({ maxSide: 2.5 })).toThrow(InvalidArgumentError);
  });
});
