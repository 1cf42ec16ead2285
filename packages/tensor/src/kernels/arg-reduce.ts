import type { TypedArray } from '../dtype.js';
import { contiguousStrides } from '../ndarray.js';
import { forEachLane } from './lanes.js';
import type { StridedView } from './types.js';

/** Which extreme {@link argReduceKernel} looks for. */
export type ArgReduceKind = 'argmax' | 'argmin';

/**
 * out = index of the largest (`argmax`) or smallest (`argmin`) element of each lane of `src` along
 * `axis`; `out` is row-major over `shape` without `axis`. Ties give the first index; a NaN counts
 * as the extreme (first NaN wins), as in PyTorch. Every lane must be non-empty.
 */
export function argReduceKernel(
  kind: ArgReduceKind,
  out: TypedArray,
  src: StridedView,
  shape: readonly number[],
  axis: number,
): void {
  const n = shape[axis]!;
  const data = src.data;
  const s = src.stride[axis]!;
  const wantMax = kind === 'argmax';
  // Strides of the output read as `shape` with extent 1 at `axis` (never stepped along `axis`).
  const keptStrides = contiguousStrides(shape.map((d, i) => (i === axis ? 1 : d)));
  const bases = [src.offset, 0];
  forEachLane(shape, axis, [src.stride, keptStrides], bases, () => {
    let p = bases[0]!;
    let best = data[p]!;
    let at = 0;
    for (let j = 1; j < n && !Number.isNaN(best); j++) {
      p += s;
      const x = data[p]!;
      if (Number.isNaN(x) || (wantMax ? x > best : x < best)) {
        best = x;
        at = j;
      }
    }
    out[bases[1]!] = at;
  });
}
