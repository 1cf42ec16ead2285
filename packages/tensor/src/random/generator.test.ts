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

  it('is the standard MT19937: the 10000th word for seed 5489 is 4123659995 (C++ [rand.predef])', () => {
    const g = new Generator(5489);
    for (let i = 0; i < 9999; i++) g.nextUint32();
    expect(g.nextUint32()).toBe(4123659995);
  });

  it('gives different streams for nearby seeds and, as PyTorch, seeds only with the low 32 bits', () => {
    expect(new Generator(1).random()).not.toBe(new Generator(2).random());
    expect(new Generator(-1).random()).not.toBe(new Generator(0).random());
    // torch.manual_seed(2**32 + 5) and torch.manual_seed(5) draw the same numbers.
    expect(draw(4, () => new Generator(2 ** 32 + 5).nextUint32())).toEqual(
      draw(4, () => new Generator(5).nextUint32()),
    );
    const firsts = Array.from({ length: 400 }, (_, s) => new Generator(s).random());
    const [mean] = meanVar(firsts);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('builds uniforms from the words as PyTorch: 24 bits of one word, or 53 bits of two', () => {
    const words = new Generator(3);
    const w = draw(3, () => words.nextUint32());
    const g = new Generator(3);
    expect(g.randomFloat32()).toBe((w[0]! & 0xffffff) / 2 ** 24);
    expect(g.random()).toBe(((w[1]! & 0x1fffff) * 2 ** 32 + w[2]!) / 2 ** 53);
  });

  it('draws int(low, high) as low + word mod range, using two words from a range of 2^32', () => {
    const words = new Generator(4);
    const w = draw(3, () => words.nextUint32());
    const g = new Generator(4);
    expect(g.int(-5, 10)).toBe(-5 + (w[0]! % 15));
    const big = 2 ** 40 + 3;
    expect(g.int(0, big)).toBe(Number(((BigInt(w[1]!) << 32n) | BigInt(w[2]!)) % BigInt(big)));
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

  it('resumes the stream from getState after a JSON round trip, including the cached normal', () => {
    const g = new Generator(11);
    g.normal(); // leaves the second Box–Muller value cached
    const state = JSON.parse(JSON.stringify(g.getState()));
    const ahead = [g.normal(), g.random(), g.nextUint32()];
    const h = new Generator(0).setState(state);
    expect([h.normal(), h.random(), h.nextUint32()]).toEqual(ahead);
    expect(h.initialSeed).toBe(11);
  });

  it('throws InvalidArgumentError from setState for a malformed state and changes nothing', () => {
    const g = new Generator(1);
    const good = g.getState();
    const next = new Generator(1).nextUint32();
    expect(() => g.setState(null as never)).toThrow(InvalidArgumentError);
    expect(() => g.setState({ ...good, mt: good.mt.slice(1) })).toThrow(/625 numbers/);
    expect(() => g.setState({ ...good, mt: [700, ...good.mt.slice(1)] })).toThrow(/position in \[0, 624\)/);
    expect(() => g.setState({ ...good, nextNormal: Number.NaN })).toThrow(/nextNormal/);
    expect(g.nextUint32()).toBe(next);
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
