import type { TypedArray } from '../dtype.js';
import { KC } from './constants.js';

/**
 * The one panel packer of the GEMM and attention kernels (Goto & van de Geijn 2008). Lays out the
 * rows × k matrix at src[off] (element (i, p) at off + i·rs + p·ks) in `dst` from `at` as k-blocks
 * of `kBlock`, each a run of w-row micro-panels stored k-major, rows zero-padded to rowsPadded:
 * element (i, p) of block pc lands at at + pc·rowsPadded + (i − i%w)·kc + (p − pc)·w + i%w.
 *
 * A is packed with (rs, ks) = (row, column) stride and w = MR; B as Bᵀ, i.e. with (rs, ks) =
 * (column, row) stride and w = NR. src/wasm/sgemm.wat's `pack` export writes the same layout
 * (kBlock = KC); the attention kernels take one block (kBlock ≥ k).
 */
export function packPanels(
  dst: Float32Array | Float64Array,
  at: number,
  src: TypedArray,
  off: number,
  rs: number,
  ks: number,
  rows: number,
  rowsPadded: number,
  k: number,
  w: number,
  kBlock: number = KC,
): void {
  let q = at;
  for (let pc = 0; pc < k; pc += kBlock) {
    const kc = Math.min(kBlock, k - pc);
    for (let ir = 0; ir < rowsPadded; ir += w) {
      const wr = Math.min(w, rows - ir);
      let s = off + ir * rs + pc * ks;
      if (wr === 4 && w === 4) {
        // Full 4-row panel (all but the last): unrolled.
        for (let p = 0; p < kc; p++) {
          dst[q] = src[s]!;
          dst[q + 1] = src[s + rs]!;
          dst[q + 2] = src[s + 2 * rs]!;
          dst[q + 3] = src[s + 3 * rs]!;
          q += 4;
          s += ks;
        }
      } else if (wr === w) {
        for (let p = 0; p < kc; p++) {
          for (let i = 0; i < w; i++) dst[q + i] = src[s + i * rs]!;
          q += w;
          s += ks;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let i = 0; i < w; i++) dst[q + i] = i < wr ? src[s + i * rs]! : 0;
          q += w;
          s += ks;
        }
      }
    }
  }
}
