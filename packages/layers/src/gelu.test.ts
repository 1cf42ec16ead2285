import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { GELU } from './gelu.js';

function expectClose(actual: unknown, expected: number[], tol = 1e-5): void {
  const flat = [actual].flat(Number.POSITIVE_INFINITY) as number[];
  expect(flat).toHaveLength(expected.length);
  flat.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!)).toBeLessThan(tol);
  });
}

describe('GELU', () => {
  it('computes x·Φ(x) exactly by default (PyTorch approximate="none")', () => {
    const out = new GELU().forward(tensor([-1, 0, 1, 2]));
    expectClose(out.toArray(), [-0.1586553, 0, 0.8413447, 1.9544997]);
  });

  it('uses the tanh approximation when asked', () => {
    const layer = new GELU({ approximate: 'tanh' });
    expect(layer.approximate).toBe('tanh');
    expectClose(layer.forward(tensor([-1, 0, 1, 2])).toArray(), [-0.158808, 0, 0.841192, 1.9545977]);
  });

  it('has no parameters and no state', () => {
    expect(new GELU().stateDict()).toEqual({});
  });

  it('throws InvalidArgumentError for an unknown approximate', () => {
    const bad = { approximate: 'erf' } as unknown as { approximate: 'none' };
    expect(() => new GELU(bad)).toThrow(InvalidArgumentError);
    expect(() => new GELU(bad)).toThrow("GELU: approximate must be 'none' or 'tanh'; got 'erf'.");
  });
});
