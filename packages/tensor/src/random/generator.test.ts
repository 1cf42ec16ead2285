import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { defaultGenerator, Generator, manualSeed } from './generator.js';

function draw(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

function meanVar(v: readonly number[]): [number, number] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return [mean, v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length];
}

describe('Generator', () => {
  it('repeats its streams for the same seed', () => {
    const a = new Generator(42);
    const b = new Generator(42);
    expect(draw(5, () => a.random())).toEqual(draw(5, () => b.random()));
    expect(draw(5, () => a.normal())).toEqual(draw(5, () => b.normal()));
    expect(draw(5, () => a.int(0, 1000))).toEqual(draw(5, () => b.int(0, 1000)));
  });

  it('gives different streams for different seeds, including nearby and large ones', () => {
    expect(new Generator(1).random()).not.toBe(new Generator(2).random());
    expect(new Generator(-1).random()).not.toBe(new Generator(0).random());
    expect(new Generator(2 ** 40).random()).not.toBe(new Generator(0).random());
    // Raw xoroshiro128+ would return a function of the seed first; hashed seeds spread over [0, 1).
    const firsts = Array.from({ length: 400 }, (_, s) => new Generator(s).random());
    const [mean] = meanVar(firsts);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    expect(Math.min(...firsts)).toBeLessThan(0.05);
    expect(Math.max(...firsts)).toBeGreaterThan(0.95);
  });

  it('replays from the start after manualSeed and reports initialSeed', () => {
    const g = new Generator(7);
    const first = draw(4, () => g.normal());
    g.normal(); // leaves a cached spare that reseeding must drop
    expect(g.manualSeed(7)).toBe(g);
    expect(draw(4, () => g.normal())).toEqual(first);
    expect(g.initialSeed).toBe(7);
  });

  it('draws uniforms with U[0, 1) moments and more than 32 bits of resolution', () => {
    const g = new Generator(0);
    const v = draw(20000, () => g.random());
    const [mean, variance] = meanVar(v);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.005);
    expect(v.some((x) => !Number.isInteger(x * 2 ** 32))).toBe(true);
  });

  it('draws normals with N(0, 1) moments and 68% within one standard deviation', () => {
    const g = new Generator(1);
    const v = draw(20000, () => g.normal());
    const [mean, variance] = meanVar(v);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(Math.abs(v.filter((x) => Math.abs(x) < 1).length / v.length - 0.6827)).toBeLessThan(0.015);
  });

  it('draws every integer of [low, high) about equally often', () => {
    const g = new Generator(2);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 12000; i++) counts[g.int(-3, 3) + 3]!++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it('keeps every draw in range for any seed and bounds', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (seed, low, width) => {
          const g = new Generator(seed);
          for (let i = 0; i < 20; i++) {
            const u = g.random();
            expect(u >= 0 && u < 1).toBe(true);
            const k = g.int(low, low + width);
            expect(Number.isInteger(k) && k >= low && k < low + width).toBe(true);
            expect(Number.isFinite(g.normal())).toBe(true);
          }
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a seed that is not a safe integer', () => {
    expect(() => new Generator(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Generator(2 ** 60)).toThrow(/seed must be a safe integer/);
    expect(() => new Generator(0).manualSeed(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for int bounds that are empty or fractional', () => {
    const g = new Generator(0);
    expect(() => g.int(3, 3)).toThrow(InvalidArgumentError);
    expect(() => g.int(0.5, 2)).toThrow(/low < highExclusive; got low 0.5 and highExclusive 2/);
  });
});

describe('manualSeed', () => {
  it('reseeds the default generator so unseeded draws repeat', () => {
    expect(manualSeed(123)).toBe(defaultGenerator());
    const a = draw(3, () => defaultGenerator().random());
    manualSeed(123);
    expect(draw(3, () => defaultGenerator().random())).toEqual(a);
    const fresh = new Generator(123);
    expect(a).toEqual(draw(3, () => fresh.random()));
  });

  it('throws InvalidArgumentError for a seed that is not a safe integer', () => {
    expect(() => manualSeed(0.1)).toThrow(InvalidArgumentError);
  });
});
