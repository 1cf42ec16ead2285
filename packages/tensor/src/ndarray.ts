/**
 * Tensors' storage views: scijs `ndarray` views (`data`, `shape`, `stride`, `offset`, `get`, `set`,
 * `pick`, `lo`, `hi`, `step`, `transpose`, …), made without the `ndarray` package. The library
 * compiles its view classes with `new Function`, which a strict Content Security Policy forbids;
 * the same classes are written out in ndarray-views.generated.ts and ndarray-view-base.ts (see
 * docs/decisions/0008-ndarray-views-without-eval.md), and ndarray.test.ts checks them against it.
 */
import type { TypedArray } from './dtype.js';
import { InvalidArgumentError } from './errors.js';
import { arrayDType, constructorFor, useGeneratedViews } from './ndarray-view-base.js';
import { VIEW_CLASSES } from './ndarray-views.generated.js';

useGeneratedViews(VIEW_CLASSES);

/** The `dtype` string scijs ndarray gives a view over `D`. */
export type NdArrayDType<D extends TypedArray = TypedArray> = D extends Float32Array
  ? 'float32'
  : D extends Float64Array
    ? 'float64'
    : D extends Int32Array
      ? 'int32'
      : 'uint8';

/**
 * A scijs ndarray view over a typed array (the interface of `ndarray` 1.x, as `@types/ndarray`
 * describes it, without its `T` member, which the library does not have).
 */
export interface NdArray<D extends TypedArray = TypedArray> {
  /** The storage, shared with every view of it. */
  data: D;
  /** Extent of each axis. */
  shape: number[];
  /** Elements of `data` to skip per step along each axis (may be negative). */
  stride: number[];
  /** Index in `data` of element `(0, …, 0)`. */
  offset: number;
  /** Name of the storage type (`'float32'`, `'int32'`, …). */
  dtype: NdArrayDType<D>;
  /** Number of elements (product of `shape`). */
  size: number;
  /** Axes from the smallest |stride| to the largest. */
  order: number[];
  /** Number of axes. */
  dimension: number;
  /** The element at the given indices. */
  get(...indices: number[]): number;
  /** Stores `value` (the last argument) at the given indices; returns it. */
  set(...indicesThenValue: number[]): number;
  /** The index in `data` of the element at the given indices. */
  index(...indices: number[]): number;
  /** The view starting at the given indices (a negative or missing index keeps the axis). */
  lo(...indices: Array<number | null | undefined>): NdArray<D>;
  /** The view ending before the given indices (a negative or missing index keeps the axis). */
  hi(...indices: Array<number | null | undefined>): NdArray<D>;
  /** The view taking every k-th element per axis (negative k: in reverse). */
  step(...steps: Array<number | null | undefined>): NdArray<D>;
  /** The view with axes reordered: axis i of the result is axis `axes[i]`. */
  transpose(...axes: number[]): NdArray<D>;
  /** The view with the axes given a non-negative index fixed (others: `null`/negative). */
  pick(...indices: Array<number | null | undefined>): NdArray<D>;
}

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
  const dtype = arrayDType(data);
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
