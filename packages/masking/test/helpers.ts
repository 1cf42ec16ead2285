// Test helpers for @attnkit/masking: explicit-loop references and small fast-check arbitraries.
// Not part of the package (outside src/).
import type { Tensor } from '@attnkit/tensor';
import fc from 'fast-check';

/** The elements of `t` as a plain number array (row-major; bool gives 0/1). */
export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray(), Number);
}

/**
 * Reference masked softmax over the last axis of flat `scores` (rows of length `keys`), in float64.
 * `keep(row, j)` says whether key j of row `row` is visible. `policy: 'd2l'` replaces hidden
 * scores by -1e6 (uniform rows when nothing is visible); `'zero'` excludes them and gives an
 * all-zero row when nothing is visible.
 */
export function referenceMaskedSoftmax(
  scores: readonly number[],
  keys: number,
  keep: (row: number, j: number) => boolean,
  policy: 'd2l' | 'zero',
): number[] {
  const out = new Array<number>(scores.length).fill(0);
  for (let r = 0; r * keys < scores.length; r++) {
    const logits: number[] = [];
    for (let j = 0; j < keys; j++) {
      const v = keep(r, j) ? scores[r * keys + j]! : policy === 'd2l' ? -1e6 : Number.NEGATIVE_INFINITY;
      logits.push(v);
    }
    const m = Math.max(...logits);
    if (m === Number.NEGATIVE_INFINITY) continue; // 'zero' policy, fully masked row
    const e = logits.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    for (let j = 0; j < keys; j++) out[r * keys + j] = e[j]! / s;
  }
  return out;
}

/** Attention problem sizes with sides 1..6 (batch, queries, keys). */
export const sizes = fc.record({
  batch: fc.integer({ min: 1, max: 4 }),
  queries: fc.integer({ min: 1, max: 5 }),
  keys: fc.integer({ min: 1, max: 6 }),
});

/** `n` finite scores in [-10, 10]. */
export function scoreValues(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n });
}

/** `n` booleans. */
export function boolValues(n: number): fc.Arbitrary<boolean[]> {
  return fc.array(fc.boolean(), { minLength: n, maxLength: n });
}

/** Row-major strides of `shape`. */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/**
 * Reads flat `values` of `shape` at the multi-index of flat position `index` in `target`
 * (NumPy broadcasting: shapes aligned right, extent-1 axes repeat).
 */
export function broadcastRead<T>(
  values: readonly T[],
  shape: readonly number[],
  target: readonly number[],
  index: number,
): T {
  const ts = stridesOf(target);
  const ss = stridesOf(shape);
  const lead = target.length - shape.length;
  let at = 0;
  for (let a = 0; a < target.length; a++) {
    const i = Math.floor(index / ts[a]!) % target[a]!;
    if (a >= lead && shape[a - lead] !== 1) at += i * ss[a - lead]!;
  }
  return values[at]!;
}

/** A shape broadcastable to `(batch, queries, keys)`: a suffix of it with some extents set to 1. */
export function broadcastableTo(full: readonly number[]): fc.Arbitrary<number[]> {
  return fc
    .record({
      rank: fc.integer({ min: 0, max: full.length }),
      ones: fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
    })
    .map(({ rank, ones }) => full.map((d, i) => (ones[i] ? 1 : d)).slice(full.length - rank));
}
