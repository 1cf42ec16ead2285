import type { TypedArray } from '../dtype.js';

/**
 * What every kernel reads: storage, the index of element (0, …, 0) and per-axis strides.
 * A scijs ndarray view satisfies it as is; so does a view into WebAssembly memory or a
 * SharedArrayBuffer, which is what lets a later backend swap kernels without touching ops.
 */
export interface StridedView<D extends TypedArray = TypedArray> {
  readonly data: D;
  readonly offset: number;
  readonly stride: readonly number[];
}
