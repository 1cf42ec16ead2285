import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { GELU } from './gelu.js';

/** PyTorch float32 outputs to 5 decimals: |actual − expected| ≤ 1e-5. */
const float32Close = { atol: 1e-5, rtol: 0 };

describe('GELU', () => {
  it('computes x·Φ(x) exactly by default (PyTorch approximate="none")', () => {
    const out = new GELU().forward(tensor([-1, 0, 1, 2]));
    expectClose(out.toTypedArray(), [-0.1586553, 0, 0.8413447, 1.9544997], float32Close);
  });

  it('uses the tanh approximation when asked', () => {
    const layer = new GELU({ approximate: 'tanh' });
    expect(layer.approximate).toBe('tanh');
    expectClose(
      layer.forward(tensor([-1, 0, 1, 2])).toTypedArray(),
      [-0.158808, 0, 0.841192, 1.9545977],
      float32Close,
    );
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
