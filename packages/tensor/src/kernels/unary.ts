import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import { isRowMajor } from './binary.js';
import type { StridedView } from './types.js';

/** An elementwise function of one number. */
export type UnaryFn = (x: number) => number;

/**
 * out[i] = f(src[i]) over `shape`; `out` is row-major from 0 and may have another dtype than `src`
 * (the typed array's store converts). Fast path: a row-major `src` is read as one flat run.
 */
export function unaryKernel(f: UnaryFn, out: TypedArray, shape: readonly number[], src: StridedView): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const data = src.data;
  if (isRowMajor(shape, src.stride)) {
    const x = data.subarray(src.offset, src.offset + n);
    for (let i = 0; i < n; i++) out[i] = f(x[i]!);
    return;
  }
  // Strided: inner axis as a tight loop, outer axes as an odometer.
  const nd = shape.length;
  const last = nd - 1;
  const inner = shape[last]!;
  const s = src.stride[last]!;
  const idx = new Array<number>(nd).fill(0);
  let base = src.offset;
  let o = 0;
  const outer = n / inner;
  for (let k = 0; k < outer; k++) {
    let p = base;
    for (let j = 0; j < inner; j++) {
      out[o++] = f(data[p]!);
      p += s;
    }
    for (let d = last - 1; d >= 0; d--) {
      const sd = src.stride[d]!;
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
