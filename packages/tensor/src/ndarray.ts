/**
 * Tensors' storage views: scijs `ndarray` views (`data`, `shape`, `stride`, `offset`, `get`, `set`,
 * `pick`, `lo`, `hi`, `step`, `transpose`, …), made without the `ndarray` package. The library
 * compiles its view classes with `new Function`, which a strict Content Security Policy forbids;
 * the same classes are written out in ndarray-view-base.ts (see
 * docs/decisions/0008-ndarray-views-without-eval.md), and ndarray.test.ts checks them against it.
 */
import type ndarray from 'ndarray';
import type { TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { arrayDType, constructorFor } from './ndarray-view-base.js';

/**
 * A scijs ndarray view over a typed array: `data`, `shape`, `stride`, `offset`, `get`/`set`/
 * `pick`/`lo`/`hi`/`step`/`transpose`, … The type is `@types/ndarray`'s (a dependency of this
 * package), so views pass to code typed for the scijs ecosystem; its `T` member is declared there
 * but exists neither in the library nor here.
 */
export type NdArray<D extends TypedArray = TypedArray> = ndarray.NdArray<D>;

/**
 * Wraps `data` in a strided view without copying.
 *
 * @param data - Backing storage (may be a view into a SharedArrayBuffer or WebAssembly memory).
 * @param shape - Extent of each axis.
 * @param stride - Elements to skip per step along each axis; row-major when omitted.
 * @param offset - Index in `data` of element `(0, …, 0)`.
 * @throws {@link InvalidArgumentError} if `data` is not array-like storage (scijs' `generic`
 *   storage with `get`/`set` methods is not supported).
 */
export function createView<D extends TypedArray>(
  data: D,
  shape: readonly number[],
  stride?: readonly number[],
  offset = 0,
): NdArray<D> {
  // Fast path for the storage tensors use (a Node Buffer, a Uint8Array subclass, takes the general one).
  const ctor = data.constructor;
  const dtype =
    ctor === Float32Array
      ? 'float32'
      : ctor === Float64Array
        ? 'float64'
        : ctor === Int32Array
          ? 'int32'
          : ctor === Uint8Array
            ? 'uint8'
            : arrayDType(data);
  if (dtype === 'generic') {
    throw new InvalidArgumentError('createView: data must be a typed array, a Buffer or an array.');
  }
  const construct = constructorFor(dtype, shape.length);
  return construct(data, shape, stride ?? contiguousStrides(shape), offset) as unknown as NdArray<D>;
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
