/**
 * The one file that imports the CommonJS `ndarray` package (scijs). Everything else in attnkit
 * sees views only through the `NdArray` type and `createView`.
 */
import ndarrayFactory from 'ndarray';
import type { TypedArray } from './dtype.js';

/** A scijs ndarray view over a typed array: `data`, `shape`, `stride`, `offset`. */
export type NdArray<D extends TypedArray = TypedArray> = ndarrayFactory.NdArray<D>;

/**
 * Wraps `data` in a strided view without copying.
 *
 * @param data - Backing storage (may be a view into a SharedArrayBuffer or WebAssembly memory).
 * @param shape - Extent of each axis.
 * @param stride - Elements to skip per step along each axis; row-major when omitted.
 * @param offset - Index in `data` of element `(0, …, 0)`.
 */
export function createView<D extends TypedArray>(
  data: D,
  shape: readonly number[],
  stride?: readonly number[],
  offset = 0,
): NdArray<D> {
  return ndarrayFactory(data, shape.slice(), stride ? stride.slice() : contiguousStrides(shape), offset);
}

/** Row-major (C-order) strides for `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i] as number;
  }
  return stride;
}

/** True for objects that look like scijs ndarray views (duck-typed, as scijs modules do). */
export function isNdarray(x: unknown): x is NdArray {
  if (typeof x !== 'object' || x === null) return false;
  const v = x as { data?: unknown; shape?: unknown; stride?: unknown; offset?: unknown };
  return (
    ArrayBuffer.isView(v.data) &&
    Array.isArray(v.shape) &&
    Array.isArray(v.stride) &&
    typeof v.offset === 'number'
  );
}
