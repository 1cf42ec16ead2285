import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ropeRelativity } from './rope-relativity.js';

/**
 * RoPE of each row of x (rows, d) at its position by explicit loops, float64; `angle(p, j)` is the
 * rotation angle of pair j at position p; `interleaved` pairs (2j, 2j+1), else (j, j + d/2).
 */
function loopRope(
  x: Tensor,
  positions: Tensor,
  angle: (p: number, j: number, d: number) => number,
  interleaved = false,
) {
  const [rows, d] = x.shape as [number, number];
  const v = x.toTypedArray();
  const pos = positions.toTypedArray();
  const out = new Array<number>(rows * d);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d / 2; j++) {
      const ia = r * d + (interleaved ? 2 * j : j);
      const ib = r * d + (interleaved ? 2 * j + 1 : j + d / 2);
      const t = angle(pos[r]!, j, d);
      out[ia] = v[ia]! * Math.cos(t) - v[ib]! * Math.sin(t);
      out[ib] = v[ib]! * Math.cos(t) + v[ia]! * Math.sin(t);
    }
  }
  return tensor(out, { shape: [rows, d], dtype: 'float64' });
}

const linear = (p: number, j: number, d: number) => p / 10000 ** ((2 * j) / d);

describe('ropeRelativity', () => {
  it('holds for half-split RoPE', () => {
    expect(fc.check(ropeRelativity((x, p) => loopRope(x, p, linear))).failed).toBe(false);
  });

  it('holds for interleaved RoPE in float64 with a tight tolerance', () => {
    const rope = (x: Tensor, p: Tensor) => loopRope(x, p, linear, true);
    expect(fc.check(ropeRelativity(rope, { dtype: 'float64', atol: 1e-12 })).failed).toBe(false);
  });

  it('fails for a rotation whose angle is not linear in the position', () => {
    const squared = (p: number, j: number, d: number) => (p * p) / 10000 ** ((2 * j) / d);
    const result = fc.check(ropeRelativity((x, p) => loopRope(x, p, squared)));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/must equal ⟨RoPE\(q, m\), RoPE\(k, n\)⟩/);
  });

  it('fails for an additive absolute position encoding', () => {
    const additive = (x: Tensor, p: Tensor) => {
      const v = x.toTypedArray();
      const pos = p.toTypedArray();
      const d = x.shape[1]!;
      return tensor(
        Array.from(v, (e, i) => e + Math.sin(pos[Math.floor(i / d)]! + i)),
        { shape: x.shape, dtype: 'float64' },
      );
    };
    expect(fc.check(ropeRelativity(additive)).failed).toBe(true);
  });

  it('fails when the output has another shape', () => {
    const result = fc.check(ropeRelativity(() => tensor([1, 2], { dtype: 'float32' })));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/output must have shape/);
  });

  it('throws InvalidArgumentError for invalid constraints', () => {
    const rope = (x: Tensor, p: Tensor) => loopRope(x, p, linear);
    expect(() => ropeRelativity(rope, { maxPairs: 0 })).toThrow(InvalidArgumentError);
    expect(() => ropeRelativity(rope, { maxShift: -1 })).toThrow(InvalidArgumentError);
    expect(() => ropeRelativity(rope, { min: 2, max: 1 })).toThrow(InvalidArgumentError);
    expect(() => ropeRelativity(rope, { atol: Number.NaN })).toThrow(InvalidArgumentError);
  });
});
