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
  const wd = weight === null ? null : weight.data.subarray(weight.offset, weight.offset + n);
  const bd = bias === null ? null : bias.data.subarray(bias.offset, bias.offset + n);
  // Four partial sums per statistic: one running sum is a chain of dependent float64 adds (its
  // latency, not the loads, bounds the loop); four chains measured ~1.25× faster at n = 64.
  const n4 = n - (n % 4);
  for (let r = 0, p = x.offset, q = 0; r < rows; r++, p += n, q += n) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < n4; j += 4) {
      s0 += xd[p + j]!;
      s1 += xd[p + j + 1]!;
      s2 += xd[p + j + 2]!;
      s3 += xd[p + j + 3]!;
    }
    for (; j < n; j++) s0 += xd[p + j]!;
    const mu = (s0 + s1 + (s2 + s3)) / n;
    s0 = 0;
    s1 = 0;
    s2 = 0;
    s3 = 0;
    for (j = 0; j < n4; j += 4) {
      const c0 = xd[p + j]! - mu;
      const c1 = xd[p + j + 1]! - mu;
      const c2 = xd[p + j + 2]! - mu;
      const c3 = xd[p + j + 3]! - mu;
      s0 += c0 * c0;
      s1 += c1 * c1;
      s2 += c2 * c2;
      s3 += c3 * c3;
    }
    for (; j < n; j++) {
      const c = xd[p + j]! - mu;
      s0 += c * c;
    }
    const rho = 1 / Math.sqrt((s0 + s1 + (s2 + s3)) / n + eps);
    mean[r] = mu;
    rstd[r] = rho;
    if (wd !== null && bd !== null) {
      for (j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho * wd[j]! + bd[j]!;
    } else if (wd !== null) {
      for (j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho * wd[j]!;
    } else if (bd !== null) {
      for (j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho + bd[j]!;
    } else {
      for (j = 0; j < n; j++) out[q + j] = (xd[p + j]! - mu) * rho;
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
  const wd =
    weight === null ? new Float64Array(n).fill(1) : weight.data.subarray(weight.offset, weight.offset + n);
  const dw = dWeight ?? new Float64Array(n);
  const db = dBias ?? new Float64Array(n);
  // x̂ of the row, kept from the first pass for the second; two partial sums per row statistic
  // (two chains of dependent adds instead of one, as in the forward).
  const xh = new Float64Array(n);
  const odd = n % 2;
  for (let r = 0, pg = g.offset, px = x.offset, q = 0; r < rows; r++, pg += n, px += n, q += n) {
    const mu = mean[r]!;
    const rho = rstd[r]!;
    let sumG0 = 0;
    let sumG1 = 0;
    let sumGX0 = 0;
    let sumGX1 = 0;
    for (let j = 0; j < n - odd; j += 2) {
      const g0 = gd[pg + j]!;
      const g1 = gd[pg + j + 1]!;
      const x0 = (xd[px + j]! - mu) * rho;
      const x1 = (xd[px + j + 1]! - mu) * rho;
      xh[j] = x0;
      xh[j + 1] = x1;
      const h0 = g0 * wd[j]!;
      const h1 = g1 * wd[j + 1]!;
      sumG0 += h0;
      sumG1 += h1;
      sumGX0 += h0 * x0;
      sumGX1 += h1 * x1;
      dw[j] = dw[j]! + g0 * x0;
      dw[j + 1] = dw[j + 1]! + g1 * x1;
      db[j] = db[j]! + g0;
      db[j + 1] = db[j + 1]! + g1;
    }
    if (odd === 1) {
      const j = n - 1;
      const g0 = gd[pg + j]!;
      const x0 = (xd[px + j]! - mu) * rho;
      xh[j] = x0;
      const h0 = g0 * wd[j]!;
      sumG0 += h0;
      sumGX0 += h0 * x0;
      dw[j] = dw[j]! + g0 * x0;
      db[j] = db[j]! + g0;
    }
    if (dx === null) continue;
    const meanG = (sumG0 + sumG1) / n;
    const meanGX = (sumGX0 + sumGX1) / n;
    for (let j = 0; j < n; j++) dx[q + j] = rho * (gd[pg + j]! * wd[j]! - meanG - xh[j]! * meanGX);
  }
}
