import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { Generator, manualSeed } from '../random/generator.js';
import { randn } from './randn.js';

describe('randn', () => {
  it('gives the same numbers for the same seed', () => {
    const a = randn([3, 2], { rng: new Generator(9) });
    expect(a.shape).toEqual([3, 2]);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual(randn([3, 2], { rng: new Generator(9) }).toArray());
    manualSeed(11);
    const b = randn([5], { dtype: 'float64' });
    manualSeed(11);
    expect(randn([5], { dtype: 'float64' }).toArray()).toEqual(b.toArray());
  });

  it('keeps float64 draws equal to the generator stream', () => {
    const g = new Generator(4);
    const expected = [g.normal(), g.normal(), g.normal()];
    expect(randn([3], { dtype: 'float64', rng: new Generator(4) }).toArray()).toEqual(expected);
  });

  it('has standard normal moments', () => {
    const v = Array.from(randn([20000], { rng: new Generator(0) }).toTypedArray());
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('does not require gradients unless asked', () => {
    expect(randn([2]).requiresGrad).toBe(false);
    expect(randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  it('throws InvalidArgumentError for an integer dtype or a bad shape', () => {
    expect(() => randn([2], { dtype: 'bool' })).toThrow(/randn: dtype must be float32 or float64; got bool/);
    expect(() => randn([1.5])).toThrow(InvalidArgumentError);
  });
});
