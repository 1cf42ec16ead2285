import type { TypedArray } from '../dtype.js';

/**
 * The gates of one GRU step for `rows` rows of `h` hidden units (PyTorch `nn.GRU`, gate order r, z, n):
 *   r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn), h' = (1 − z)·n + z·h
 * where x· = (x·W_ihᵀ + b_ih) are the rows of `xg` from `xo` and h· = (h·W_hhᵀ) the rows of `hg`
 * from 0, both (rows, 3h) row-major; `bias` (3h) from `bo` is b_hh (added to h·, or null for none).
 * `prev` (rows, h) from `po` is h. Writes h' into `out` from `oo` and saves r, z, n and hn (with
 * b_hn) from `so` for {@link gruGatesBackwardKernel}. Plain loops: no validation.
 */
export function gruGatesKernel(
  out: TypedArray,
  oo: number,
  saved: { r: TypedArray; z: TypedArray; n: TypedArray; hn: TypedArray },
  so: number,
  xg: TypedArray,
  xo: number,
  hg: TypedArray,
  bias: TypedArray | null,
  bo: number,
  prev: TypedArray,
  po: number,
  rows: number,
  h: number,
): void {
  const { r: rs, z: zs, n: ns, hn: hns } = saved;
  const h2 = 2 * h;
  const h3 = 3 * h;
  for (let b = 0; b < rows; b++) {
    const x0 = xo + b * h3;
    const g0 = b * h3;
    const p0 = po + b * h;
    const o0 = oo + b * h;
    const s0 = so + b * h;
    for (let j = 0; j < h; j++) {
      const br = bias === null ? 0 : bias[bo + j]!;
      const bz = bias === null ? 0 : bias[bo + h + j]!;
      const bn = bias === null ? 0 : bias[bo + h2 + j]!;
      const r = 1 / (1 + Math.exp(-(xg[x0 + j]! + hg[g0 + j]! + br)));
      const z = 1 / (1 + Math.exp(-(xg[x0 + h + j]! + hg[g0 + h + j]! + bz)));
      const hn = hg[g0 + h2 + j]! + bn;
      const n = Math.tanh(xg[x0 + h2 + j]! + r * hn);
      out[o0 + j] = (1 - z) * n + z * prev[p0 + j]!;
      rs[s0 + j] = r;
      zs[s0 + j] = z;
      ns[s0 + j] = n;
      hns[s0 + j] = hn;
    }
  }
}

/**
 * Backward of {@link gruGatesKernel} for one step, given dh' (`dh`, rows × h from 0, float64):
 *   dn = dh'·(1 − z), dz = dh'·(h − n), dh = dh'·z (written back into `dh`),
 *   dan = dn·(1 − n²), dar = dan·hn·r·(1 − r), daz = dz·z·(1 − z)
 * and writes the pre-activation gradients into `dxg` (dar, daz, dan) and `dhg` (dar, daz, dan·r),
 * both (rows, 3h) from `go`. `prev` (from `po`) is the h of the forward step.
 */
export function gruGatesBackwardKernel(
  dxg: TypedArray,
  dhg: TypedArray,
  go: number,
  dh: Float64Array,
  saved: { r: TypedArray; z: TypedArray; n: TypedArray; hn: TypedArray },
  so: number,
  prev: TypedArray,
  po: number,
  rows: number,
  h: number,
): void {
  const { r: rs, z: zs, n: ns, hn: hns } = saved;
  const h2 = 2 * h;
  const h3 = 3 * h;
  for (let b = 0; b < rows; b++) {
    const g0 = go + b * h3;
    const s0 = so + b * h;
    const p0 = po + b * h;
    const d0 = b * h;
    for (let j = 0; j < h; j++) {
      const r = rs[s0 + j]!;
      const z = zs[s0 + j]!;
      const n = ns[s0 + j]!;
      const d = dh[d0 + j]!;
      const dan = d * (1 - z) * (1 - n * n);
      const dar = dan * hns[s0 + j]! * r * (1 - r);
      const daz = d * (prev[p0 + j]! - n) * z * (1 - z);
      dh[d0 + j] = d * z;
      dxg[g0 + j] = dar;
      dxg[g0 + h + j] = daz;
      dxg[g0 + h2 + j] = dan;
      dhg[g0 + j] = dar;
      dhg[g0 + h + j] = daz;
      dhg[g0 + h2 + j] = dan * r;
    }
  }
}
