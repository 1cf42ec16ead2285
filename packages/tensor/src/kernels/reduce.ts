import type { TypedArray } from '../dtype.js';
import { shapeSize } from '../shape.js';
import type { StridedView } from './types.js';

/** Reductions the kernel knows. Accumulation is in float64 whatever the storage. */
export type ReduceKind = 'sum' | 'max' | 'min' | 'prod';

const INIT: Record<ReduceKind, number> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/**
 * Reduces `src` (of `shape`) into `out`, whose element for input index i is at
 * `sum(i[d] * outStride[d])`: pass stride 0 on reduced axes and row-major strides of the
 * kept-dims output elsewhere. Walks the input once in row-major order (cache-friendly for the
 * usual contiguous input) and accumulates in a float64 scratch buffer. NaN propagates through max/min.
 */
export function reduceKernel(
  kind: ReduceKind,
  out: TypedArray,
  outSize: number,
  outStride: readonly number[],
  src: StridedView,
  shape: readonly number[],
): void {
  const acc = new Float64Array(outSize).fill(INIT[kind]);
  const n = shapeSize(shape);
  const nd = shape.length;
  const data = src.data;
  if (n > 0 && nd === 0) {
    acc[0] = data[src.offset]!;
  } else if (n > 0) {
    const last = nd - 1;
    const inner = shape[last]!;
    const s = src.stride[last]!;
    const os = outStride[last]!;
    const idx = new Array<number>(nd).fill(0);
    let base = src.offset;
    let obase = 0;
    const outer = n / inner;
    for (let k = 0; k < outer; k++) {
      let p = base;
      let q = obase;
      if (os === 0) {
        // The row folds into one output: a local accumulator keeps the chain in a register
        // rather than through acc[q]'s load and store (same order, so the same value).
        acc[q] = foldRow(kind, acc[q]!, data, p, s, inner);
      } else {
        switch (kind) {
          case 'sum':
            for (let j = 0; j < inner; j++, p += s, q += os) acc[q] = acc[q]! + data[p]!;
            break;
          case 'prod':
            for (let j = 0; j < inner; j++, p += s, q += os) acc[q] = acc[q]! * data[p]!;
            break;
          case 'max':
            for (let j = 0; j < inner; j++, p += s, q += os) {
              const x = data[p]!;
              if (x > acc[q]! || Number.isNaN(x)) acc[q] = x;
            }
            break;
          case 'min':
            for (let j = 0; j < inner; j++, p += s, q += os) {
              const x = data[p]!;
              if (x < acc[q]! || Number.isNaN(x)) acc[q] = x;
            }
            break;
        }
      }
      for (let d = last - 1; d >= 0; d--) {
        const next = idx[d]! + 1;
        base += src.stride[d]!;
        obase += outStride[d]!;
        if (next < shape[d]!) {
          idx[d] = next;
          break;
        }
        base -= src.stride[d]! * shape[d]!;
        obase -= outStride[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  }
  for (let i = 0; i < outSize; i++) out[i] = acc[i]!;
}

/** `init` folded with `data[p], data[p + s], …` (`n` elements) in order, as the kernel's loops do. */
function foldRow(kind: ReduceKind, init: number, data: TypedArray, p: number, s: number, n: number): number {
  let a = init;
  switch (kind) {
    case 'sum':
      for (let j = 0; j < n; j++, p += s) a += data[p]!;
      break;
    case 'prod':
      for (let j = 0; j < n; j++, p += s) a *= data[p]!;
      break;
    case 'max':
      for (let j = 0; j < n; j++, p += s) {
        const x = data[p]!;
        if (x > a || Number.isNaN(x)) a = x;
      }
      break;
    case 'min':
      for (let j = 0; j < n; j++, p += s) {
        const x = data[p]!;
        if (x < a || Number.isNaN(x)) a = x;
      }
      break;
  }
  return a;
}
