import type { TypedArray } from '../dtype.js';
import { kernels } from './registry.js';
import { wasmBatchedMatmul, wasmMatmulKernel } from './wasm-matmul.js';

/**
 * `count` matrix products with shared sizes and strides: out[outOffset + t·m·n …] (m×n,
 * row-major) = (m×k view of `a` at aOffsets[t]) · (k×n view of `b` at bOffsets[t]). The batched
 * form of `matmul` (the per-head products of attention): with the WebAssembly backend all products
 * are staged, packed and multiplied as one job (split over threads after setNumThreads); otherwise
 * (another `matmul` kernel, or products the batched job does not take) it calls `kernels.matmul`
 * once per product.
 */
export function batchedMatmulKernel(
  out: TypedArray,
  outOffset: number,
  a: TypedArray,
  aOffsets: ArrayLike<number>,
  aRowStride: number,
  aColStride: number,
  b: TypedArray,
  bOffsets: ArrayLike<number>,
  bRowStride: number,
  bColStride: number,
  m: number,
  n: number,
  k: number,
  count: number,
): void {
  if (
    kernels.matmul === wasmMatmulKernel &&
    wasmBatchedMatmul(
      out,
      outOffset,
      a,
      aOffsets,
      aRowStride,
      aColStride,
      b,
      bOffsets,
      bRowStride,
      bColStride,
      m,
      n,
      k,
      count,
    )
  ) {
    return;
  }
  for (let t = 0; t < count; t++) {
    kernels.matmul(
      out,
      outOffset + t * m * n,
      a,
      aOffsets[t]!,
      aRowStride,
      aColStride,
      b,
      bOffsets[t]!,
      bRowStride,
      bColStride,
      m,
      n,
      k,
    );
  }
}
