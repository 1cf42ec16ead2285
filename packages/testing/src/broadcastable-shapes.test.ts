import { broadcastShapes, InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastableShapes } from './broadcastable-shapes.js';

const bounds = (max: number) =>
  fc.tuple(fc.nat(max), fc.nat(max)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

/** The broadcasting rule by hand: align right; extents equal or one of them 1. */
function broadcastsByHand(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const da = a[a.length - i]!;
    const db = b[b.length - i]!;
    if (da !== db && da !== 1 && db !== 1) return false;
  }
  return true;
}

describe('broadcastableShapes', () => {
  it('keeps full rank and uses only the shared extent or 1 when minRank = maxRank', () => {
    for (const [a, b] of fc.sample(
      broadcastableShapes({ minRank: 3, maxRank: 3, minSide: 4, maxSide: 4 }),
      30,
    )) {
      expect(a.length).toBe(3);
      expect(b.length).toBe(3);
      expect([...a, ...b].every((d) => d === 4 || d === 1)).toBe(true);
    }
  });

  it('draws unequal shapes, unequal ranks and extents of 1', () => {
    const pairs = fc.sample(broadcastableShapes(), { seed: 42, numRuns: 200 });
    expect(pairs.some(([a, b]) => a.length !== b.length)).toBe(true);
    expect(pairs.some(([a, b]) => a.length === b.length && a.join() !== b.join())).toBe(true);
    expect(pairs.some(([a, b]) => a.join() === b.join() && a.length >= 2)).toBe(true);
  });

  it('gives the same pairs for the same seed', () => {
    const run = () => fc.sample(broadcastableShapes(), { seed: 42, numRuns: 20 });
    expect(run()).toEqual(run());
  });

  it('gives pairs that broadcast, within the rank and extent bounds', () => {
    fc.assert(
      fc.property(bounds(5), bounds(6), fc.gen(), ([minRank, maxRank], [minSide, maxSide], g) => {
        const [a, b] = g(broadcastableShapes, { minRank, maxRank, minSide, maxSide });
        expect(broadcastsByHand(a, b)).toBe(true);
        const out = broadcastShapes('test', a, b);
        for (const s of [a, b]) {
          expect(s.length).toBeGreaterThanOrEqual(minRank);
          expect(s.length).toBeLessThanOrEqual(maxRank);
          for (const d of s) expect(d === 1 || (d >= minSide && d <= maxSide)).toBe(true);
        }
        for (const d of out) expect(d === 1 || (d >= minSide && d <= maxSide)).toBe(true);
      }),
    );
  });

  it('shrinks a failing pair to two equal rank-1 shapes of extent minSide', () => {
    const rankedFails = (minSide: number) =>
      fc.check(fc.property(broadcastableShapes({ minSide }), ([a]) => a.length < 1)).counterexample;
    expect(rankedFails(1)).toEqual([[[1], [1]]]);
    expect(rankedFails(2)).toEqual([[[2], [2]]]);
  });

  it('throws InvalidArgumentError when minRank > maxRank or a bound is negative', () => {
    expect(() => broadcastableShapes({ minRank: 2, maxRank: 1 })).toThrow(InvalidArgumentError);
    expect(() => broadcastableShapes({ minRank: 2, maxRank: 1 })).toThrow(
      /broadcastableShapes: minRank must be ≤ maxRank/,
    );
    expect(() => broadcastableShapes({ minSide: -1 })).toThrow(/minSide must be an integer ≥ 0; got -1/);
    expect(() => broadcastableShapes({ minSide: 3, maxSide: 2 })).toThrow(/minSide must be ≤ maxSide/);
  });
});
