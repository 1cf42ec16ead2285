import type { Backend, MatrixBatchView, MatrixOut } from './backend.js';

/**
 * `count` products through `matmul`, one call each: product t is written at out.offset + t·m·n
 * from a.offsets[t] and b.offsets[t]. The portable form of `batchedMatmul` (the `js` backend's,
 * and the `wasm` backend's fallback for products its batched job does not take).
 */
export function batchByProduct(
  matmul: Backend['matmul'],
  out: MatrixOut,
  a: MatrixBatchView,
  b: MatrixBatchView,
  m: number,
  n: number,
  k: number,
  count: number,
): void {
  for (let t = 0; t < count; t++) {
    matmul(
      { data: out.data, offset: out.offset + t * m * n },
      { data: a.data, offset: a.offsets[t]!, rowStride: a.rowStride, colStride: a.colStride },
      { data: b.data, offset: b.offsets[t]!, rowStride: b.rowStride, colStride: b.colStride },
      m,
      n,
      k,
    );
  }
}
