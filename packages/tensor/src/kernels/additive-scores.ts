import type { TypedArray } from '../dtype.js';

/**
 * Additive attention scores s[b, i, j] = Σ_d w[d]·tanh(q[b, i, d] + k[b, j, d]) for row-major
 * q (batch, nq, h) from `qo`, k (batch, nk, h) from `ko` and w (h) from `wo`; writes s
 * (batch, nq, nk) from 0 and the tanh values t (batch, nq, nk, h) from 0 for the backward.
 * Sums in float64. Plain loops: no validation.
 */
export function additiveScoresKernel(
  out: TypedArray,
  saved: TypedArray,
  q: TypedArray,
  qo: number,
  k: TypedArray,
  ko: number,
  w: TypedArray,
  wo: number,
  batch: number,
  nq: number,
  nk: number,
  h: number,
): void {
  for (let b = 0, o = 0; b < batch; b++) {
    for (let i = 0; i < nq; i++) {
      const qi = qo + (b * nq + i) * h;
      for (let j = 0; j < nk; j++, o++) {
        const kj = ko + (b * nk + j) * h;
        const so = o * h;
        let s = 0;
        for (let d = 0; d < h; d++) {
          const t = Math.tanh(q[qi + d]! + k[kj + d]!);
          saved[so + d] = t;
          s += w[wo + d]! * t;
        }
        out[o] = s;
      }
    }
  }
}

/**
 * Backward of {@link additiveScoresKernel} given g (batch, nq, nk) from `go` and the saved tanh
 * values: with e = g[b, i, j]·w[d]·(1 − t²), dq[b, i, d] += e, dk[b, j, d] += e and
 * dw[d] += g[b, i, j]·t. The float64 accumulators are zeroed by the caller; null skips one.
 */
export function additiveScoresBackwardKernel(
  dq: Float64Array | null,
  dk: Float64Array | null,
  dw: Float64Array | null,
  g: TypedArray,
  go: number,
  saved: TypedArray,
  w: TypedArray,
  wo: number,
  batch: number,
  nq: number,
  nk: number,
  h: number,
): void {
  const needInputs = dq !== null || dk !== null;
  const e = new Float64Array(h);
  for (let b = 0, o = 0; b < batch; b++) {
    for (let i = 0; i < nq; i++) {
      const qi = (b * nq + i) * h;
      for (let j = 0; j < nk; j++, o++) {
        const gv = g[go + o]!;
        if (gv === 0) continue;
        const so = o * h;
        if (dw !== null) for (let d = 0; d < h; d++) dw[d]! += gv * saved[so + d]!;
        if (!needInputs) continue;
        for (let d = 0; d < h; d++) {
          const t = saved[so + d]!;
          e[d] = gv * w[wo + d]! * (1 - t * t);
        }
        if (dq !== null) for (let d = 0; d < h; d++) dq[qi + d]! += e[d]!;
        if (dk !== null) {
          const kj = (b * nk + j) * h;
          for (let d = 0; d < h; d++) dk[kj + d]! += e[d]!;
        }
      }
    }
  }
}
