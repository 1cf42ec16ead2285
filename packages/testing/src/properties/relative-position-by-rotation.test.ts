import { InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relativePositionByRotation } from './relative-position-by-rotation.js';

const omega = (j: number, d: number, base = 10000): number => 1 / base ** ((2 * j) / d);

/** P[i, 2j] = sin(iω_j), P[i, 2j+1] = cos(iω_j) by explicit loops, float64. */
function loopEncoding(maxLen: number, d: number, base = 10000): Tensor {
  const out: number[] = [];
  for (let i = 0; i < maxLen; i++) {
    for (let c = 0; c < d; c++) {
      const angle = i * omega(c >> 1, d, base);
      out.push(c % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
    }
  }
  return tensor(out, { shape: [maxLen, d], dtype: 'float64' });
}

/** Block-diagonal rotation for row vectors; `transposed` gives D2L's column-vector block. */
function loopRotation(delta: number, d: number, { transposed = false, base = 10000 } = {}): Tensor {
  const m = new Array<number>(d * d).fill(0);
  for (let j = 0; j < d / 2; j++) {
    const c = Math.cos(delta * omega(j, d, base));
    const s = Math.sin(delta * omega(j, d, base)) * (transposed ? -1 : 1);
    const r = 2 * j;
    m[r * d + r] = c;
    m[r * d + r + 1] = -s;
    m[(r + 1) * d + r] = s;
    m[(r + 1) * d + r + 1] = c;
  }
  return tensor(m, { shape: [d, d], dtype: 'float64' });
}

describe('relativePositionByRotation', () => {
  it('holds for the sinusoidal table and its block rotation', () => {
    expect(fc.check(relativePositionByRotation(loopEncoding, loopRotation)).failed).toBe(false);
  });

  it('holds for another base when both sides use it', () => {
    const enc = (n: number, d: number) => loopEncoding(n, d, 100);
    const rot = (delta: number, d: number) => loopRotation(delta, d, { base: 100 });
    expect(fc.check(relativePositionByRotation(enc, rot, { maxLen: 16 })).failed).toBe(false);
  });

  it("fails for D2L's column-vector block used with row vectors (a shift by −δ)", () => {
    const result = fc.check(
      relativePositionByRotation(loopEncoding, (delta, d) => loopRotation(delta, d, { transposed: true })),
    );
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/P\[i \+ δ\] must equal P\[i\]·M\(δ\)/);
  });

  it('fails when the rotation uses other frequencies than the table', () => {
    const rot = (delta: number, d: number) => loopRotation(delta, d, { base: 1000 });
    expect(fc.check(relativePositionByRotation(loopEncoding, rot)).failed).toBe(true);
  });

  it('fails when the encoding has another shape', () => {
    const result = fc.check(relativePositionByRotation((n, d) => loopEncoding(n, d + 1), loopRotation));
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/encoding must return shape/);
  });

  it('throws InvalidArgumentError for invalid constraints', () => {
    expect(() => relativePositionByRotation(loopEncoding, loopRotation, { maxLen: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => relativePositionByRotation(loopEncoding, loopRotation, { maxPairs: 1.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => relativePositionByRotation(loopEncoding, loopRotation, { atol: -1 })).toThrow(
      InvalidArgumentError,
    );
  });
});
