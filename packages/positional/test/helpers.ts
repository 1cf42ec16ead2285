// Test helpers for @attnkit/positional: explicit-loop references in float64. Not part of the
// package (outside src/).
import type { Tensor } from '@attnkit/tensor';

/** The elements of `t` as a plain number array (row-major). */
export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray(), Number);
}

/** ω_j = 1 / base^(2j/d), float64. */
export function omega(j: number, d: number, base = 10000): number {
  return 1 / base ** ((2 * j) / d);
}

/** Row i of the sinusoidal table by the formula: sin(iω_j) at 2j, cos(iω_j) at 2j + 1, float64. */
export function sinusoidRow(i: number, d: number): number[] {
  return Array.from({ length: d }, (_, c) => {
    const angle = i / 10000 ** ((2 * (c >> 1)) / d);
    return c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
  });
}

/**
 * RoPE by explicit loops in float64: `x` row-major with last axes (positions, headDim), `pos(row)`
 * the position of flat row `row` (a row is one headDim vector), pairs (j, j + r/2) or (2j, 2j + 1),
 * features from r on unchanged.
 */
export function loopRope(
  x: ArrayLike<number>,
  headDim: number,
  pos: (row: number) => number,
  { rotaryDim = headDim, interleaved = false, base = 10000 } = {},
): number[] {
  const out = Array.from(x, Number);
  const half = rotaryDim / 2;
  for (let row = 0; row * headDim < x.length; row++) {
    const p = pos(row);
    for (let j = 0; j < half; j++) {
      const ia = row * headDim + (interleaved ? 2 * j : j);
      const ib = row * headDim + (interleaved ? 2 * j + 1 : j + half);
      const t = p * omega(j, rotaryDim, base);
      out[ia] = x[ia]! * Math.cos(t) - x[ib]! * Math.sin(t);
      out[ib] = x[ib]! * Math.cos(t) + x[ia]! * Math.sin(t);
    }
  }
  return out;
}
