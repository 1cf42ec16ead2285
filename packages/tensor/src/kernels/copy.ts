import { allocateUninitialized, type DType, type TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import type { StridedView } from './types.js';

/**
 * Copies the strided view `src` of `shape` into `out` (row-major from `outOffset`).
 * Inner axis as a tight loop, outer axes as an odometer; no per-element index arithmetic.
 */
export function copyStrided(
  out: TypedArray,
  outOffset: number,
  src: StridedView,
  shape: readonly number[],
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const data = src.data;
  if (nd === 0) {
    out[outOffset] = data[src.offset] as number;
    return;
  }
  const last = nd - 1;
  const inner = shape[last] as number;
  const s = src.stride[last] as number;
  const idx = new Array<number>(nd).fill(0);
  let base = src.offset;
  let o = outOffset;
  const outer = n / inner;
  for (let k = 0; k < outer; k++) {
    if (s === 1) {
      out.set(data.subarray(base, base + inner), o);
      o += inner;
    } else {
      let p = base;
      for (let j = 0; j < inner; j++) {
        out[o++] = data[p] as number;
        p += s;
      }
    }
    for (let d = last - 1; d >= 0; d--) {
      const sd = src.stride[d] as number;
      base += sd;
      const next = idx[d]! + 1;
      if (next < shape[d]!) {
        idx[d] = next;
        break;
      }
      // idx[d] wrapped: rewind this axis and carry into the next one out.
      base -= sd * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** A fresh row-major copy of the view `src` as storage for `dtype`. */
export function copyToContiguous(
  src: StridedView & { readonly shape: readonly number[] },
  dtype: DType,
): TypedArray {
  const out = allocateUninitialized(dtype, shapeSize(src.shape));
  copyStrided(out, 0, src, src.shape);
  return out;
}
