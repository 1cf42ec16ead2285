import type { TypedArray } from '../dtype.js';
import type { Backend, MatrixOut, MatrixView } from './backend.js';
import { biasReluKernel } from './relu.js';

/**
 * out[r, j] += bias[j] over `rows` rows of n, row-major from 0: Linear's bias (ops/linear.ts). The
 * sum is rounded to out's type by the store, as the unfused `add` rounds it.
 */
export function biasAddKernel(out: TypedArray, bias: TypedArray, rows: number, n: number): void {
  if (out instanceof Float32Array) {
    for (let o = 0, end = rows * n; o < end; o += n) {
      for (let j = 0; j < n; j++) out[o + j] = Math.fround(out[o + j]! + bias[j]!);
    }
    return;
  }
  for (let o = 0, end = rows * n; o < end; o += n) {
    for (let j = 0; j < n; j++) out[o + j]! += bias[j]!;
  }
}

/**
 * Linear's epilogue over a row-major rows × n product: out += bias per row (none when null), then
 * max(·, 0) when `relu` ({@link biasReluKernel}).
 */
export function biasRowsKernel(
  out: TypedArray,
  bias: TypedArray | null,
  relu: boolean,
  rows: number,
  n: number,
): void {
  if (relu) biasReluKernel(out, bias, rows, n);
  else if (bias !== null) biasAddKernel(out, bias, rows, n);
}

/**
 * The `matmulBias` of `jsBackend`: {@link matmulThenBias} over the backend's own `matmul`, called
 * as a method, so that a backend built as `{ ...jsBackend, matmul }` runs Linear's products through
 * its `matmul` too.
 */
export function matmulBiasOfMatmul(
  this: Pick<Backend, 'matmul'>,
  out: MatrixOut,
  a: MatrixView,
  b: MatrixView,
  m: number,
  n: number,
  k: number,
  bias: TypedArray | null,
  relu: boolean,
): void {
  this.matmul(out, a, b, m, n, k);
  biasRowsKernel(out.data.subarray(out.offset, out.offset + m * n), bias, relu, m, n);
}
