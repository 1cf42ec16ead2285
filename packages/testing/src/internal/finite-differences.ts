import { formatShape, InvalidArgumentError, isFloating, type Tensor } from '@attnkit/tensor';
import { formatNumber } from './format-number.js';
import { unravel } from './unravel.js';

/** Step and tolerances of a finite-difference comparison. */
export interface Tolerances {
  eps: number;
  atol: number;
  rtol: number;
}

/**
 * Compares `analytic` with central differences (L(x + eps·eᵢ) − L(x − eps·eᵢ)) / 2eps, perturbing
 * each element of `data` in place and restoring it exactly. Returns null when every element is
 * within atol + rtol·|numeric|, otherwise one line naming `label`, `shape`, how many elements
 * differ and the worst one (a NaN difference ranks worst).
 */
export function compareWithFiniteDifferences(
  label: string,
  shape: readonly number[],
  data: Float64Array,
  analytic: ArrayLike<number>,
  loss: () => number,
  { eps, atol, rtol }: Tolerances,
): string | null {
  let mismatches = 0;
  let worst = -1;
  let worstExcess = Number.NEGATIVE_INFINITY;
  let worstNumeric = 0;
  for (let i = 0; i < data.length; i++) {
    const xi = data[i]!;
    data[i] = xi + eps;
    const plus = loss();
    data[i] = xi - eps;
    const minus = loss();
    data[i] = xi;
    const numeric = (plus - minus) / (2 * eps); // central difference, error O(eps²)
    const excess = Math.abs(analytic[i]! - numeric) - (atol + rtol * Math.abs(numeric));
    if (excess <= 0) continue;
    mismatches++;
    const rank = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
    if (rank > worstExcess) {
      worstExcess = rank;
      worst = i;
      worstNumeric = numeric;
    }
  }
  if (mismatches === 0) return null;
  const a = analytic[worst]!;
  return (
    `${label} ${formatShape(shape)}: ${mismatches} of ${data.length} elements differ; ` +
    `worst at element ${worst} (index ${formatShape(unravel(worst, shape))}): ` +
    `analytic ${a}, numeric ${worstNumeric} (abs diff ${Math.abs(a - worstNumeric)}).`
  );
}

/** The `(eps …, atol …, rtol …)` part of a failure message. */
export function formatTolerances({ eps, atol, rtol }: Tolerances): string {
  return `(eps ${formatNumber(eps)}, atol ${formatNumber(atol)}, rtol ${formatNumber(rtol)})`;
}

/** Σ values·r in float64 over the row-major elements. */
export function dot(values: ArrayLike<number>, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * r[i]!;
  return s;
}

/**
 * `n` weights ±[0.5, 1.5) from mulberry32 (a 32-bit PRNG), so the check is reproducible and no
 * element's gradient is weighted near zero.
 */
export function randomSigns(n: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const magnitude = 0.5 + next();
    r[i] = next() < 0.5 ? -magnitude : magnitude;
  }
  return r;
}

/**
 * Passes `out` through if it is a float32/float64 tensor.
 * @throws {@link InvalidArgumentError} naming `op` and the dtype otherwise.
 */
export function floatingOutput(op: string, out: Tensor): Tensor {
  if (!isFloating(out.dtype)) {
    throw new InvalidArgumentError(`${op}: fn must return a float32 or float64 tensor; got ${out.dtype}.`);
  }
  return out;
}
