import type { TypedArray } from '../dtype.js';
import type { StridedView } from './types.js';

/**
 * Layer normalisation of `rows` rows of `n` consecutive elements (row r starts at
 * `x.offset + r·n`; strides are not read): y = (x − μ)·ρ·w + b per row, with μ the row mean,
 * ρ = 1/√(σ² + eps) and σ² the biased variance (divides by n). `out` is row-major from 0; `weight`
 * and `bias` are n consecutive elements from their offsets, or null for 1 and 0. Statistics are
 * computed in float64 with two passes (mean, then squared deviations) and saved in `mean` and
 * `rstd` (one entry per row) for {@link layerNormBackwardKernel}.
 */
export function layerNormKernel(
  out: TypedArray,
  mean: Float64Array,
  rstd: Float64Array,
  x: StridedView,
  rows: number,
  n: number,
  weight: StridedView | null,
  bias: StridedView | null,
  eps: number,
): void {
  const xd = x.data;
  const wd = weight?.data;
  const bd = bias?.data;
  const wo = weight?.offset ?? 0;
  const bo = bias?.offset ?? 0;
  for (let r = 0, p = x.offset, q = 0; r < rows; r++, p += n, q += n) {
    let total = 0;
    for (let j = 0; j < n; j++) total += xd[p + j]!;
    const mu = total / n;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const c = xd[p + j]! - mu;
      squares += c * c;
    }
    const rho = 1 / Math.sqrt(squares / n + eps);
    mean[r] = mu;
    rstd[r] = rho;
    if (wd !== undefined && bd !== undefined) {
      for (let j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho * wd[wo + j]! + bd[bo + j]!;
    } else if (wd !== undefined) {
      for (let j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho * wd[wo + j]!;
    } else if (bd !== undefined) {
      for (let j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho + bd[bo + j]!;
    } else {
      for (let j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho;
    }
  }
}

/**
 * Backward of {@link layerNormKernel} for the same `x`, `mean`, `rstd` and `weight`, given the
 * output gradient `g` (rows of n consecutive elements from `g.offset`). With x̂ = (x − μ)·ρ and
 * ĝ = g·w per row:
 *   dx = ρ·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  dw += Σ_rows g·x̂,  db += Σ_rows g.
 * `dx` (row-major from 0) may be null when x needs no gradient; `dWeight` and `dBias` are float64
 * accumulators of n elements (zeroed by the caller), or null when not wanted. Sums are in float64.
 */
export function layerNormBackwardKernel(
  dx: TypedArray | null,
  dWeight: Float64Array | null,
  dBias: Float64Array | null,
  g: StridedView,
  x: StridedView,
  mean: Float64Array,
  rstd: Float64Array,
  weight: StridedView | null,
  rows: number,
  n: number,
): void {
  const gd = g.data;
  const xd = x.data;
  // A missing weight reads as ones and unwanted dw/db go to scratch, so the loops carry no
  // per-element branches (the scratch sums cost two adds per element).
  const wd = weight?.data ?? new Float64Array(n).fill(1);
  const wo = weight?.offset ?? 0;
  const dw = dWeight ?? new Float64Array(n);
  const db = dBias ?? new Float64Array(n);
  for (let r = 0, pg = g.offset, px = x.offset, q = 0; r < rows; r++, pg += n, px += n, q += n) {
    const mu = mean[r]!;
    const rho = rstd[r]!;
    // One pass for the row sums and the parameter gradients, one more for dx.
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < n; j++) {
      const gj = gd[pg + j]!;
      const xh = (xd[px + j]! - mu) * rho;
      const gh = gj * wd[wo + j]!;
      sumG += gh;
      sumGX += gh * xh;
      dw[j] = dw[j]! + gj * xh;
      db[j] = db[j]! + gj;
    }
    if (dx === null) continue;
    const meanG = sumG / n;
    const meanGX = sumGX / n;
    for (let j = 0; j < n; j++) {
      const xh = (xd[px + j]! - mu) * rho;
      dx[q + j] = rho * (gd[pg + j]! * wd[wo + j]! - meanG - xh * meanGX);
    }
  }
}
