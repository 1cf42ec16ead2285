import { allocate, castScalar, type DType, dtypeOfArray, type TypedArray } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { copyToContiguous } from '../kernels/copy.js';
import { createView, isNdarray, type NdArray } from '../ndarray.js';
import { checkShape, shapeSize } from '../shape.js';
import { fromData, type NestedArray, Tensor } from '../tensor.js';

/** Options shared by the creation functions. */
export interface CreationOptions {
  /** Element type; `float32` unless the data says otherwise (booleans → `bool`, a typed array → its own). */
  dtype?: DType;
  /** Track operations on the result for autograd (floating dtypes only). */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreationOptions {
  /** Shape for flat data (a JS array or typed array); inferred for nested arrays. */
  shape?: readonly number[];
}

/** What {@link tensor} accepts. */
export type TensorLike = number | boolean | NestedArray<number> | NestedArray<boolean> | TypedArray | NdArray;

/**
 * Creates a tensor from nested arrays, a flat array or typed array (with `shape`), a scalar, or an
 * ndarray view. Always copies (PyTorch `torch.tensor`); use {@link fromNdarray} to wrap a view.
 *
 * @param data - The values; nested arrays must be rectangular.
 * @returns A contiguous tensor.
 * @throws {@link ShapeError} if nested arrays are ragged or `shape` does not match the data's length.
 * @throws {@link InvalidArgumentError} if `shape` has negative or non-integer extents.
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3], [4, 5, 6]]); // float32, shape (2, 3)
 * const lens = tensor([2, 3], { dtype: 'int32' });
 * ```
 */
export function tensor(data: TensorLike, options: TensorOptions = {}): Tensor {
  let flat: ArrayLike<number | boolean>;
  let shape: number[];
  let inferred: DType = 'float32';
  if (isNdarray(data)) {
    const dt = dtypeOfArray(data.data) ?? 'float64';
    flat = copyToContiguous(data, dt);
    shape = data.shape.slice();
    inferred = dt;
  } else if (ArrayBuffer.isView(data)) {
    flat = data;
    shape = [data.length];
    inferred = dtypeOfArray(data) ?? 'float32';
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    flat = [data];
    shape = [];
    if (typeof data === 'boolean') inferred = 'bool';
  } else {
    shape = inferShape(data);
    flat = (data as unknown[]).flat(Number.POSITIVE_INFINITY) as (number | boolean)[];
    if (flat.length !== shapeSize(shape)) {
      throw new ShapeError(
        `tensor: data must be a rectangular nested array; got ragged rows under shape ${formatShape(shape)}.`,
      );
    }
    if (typeof flat[0] === 'boolean') inferred = 'bool';
  }
  if (options.shape !== undefined) {
    const target = checkShape('tensor', options.shape);
    if (shapeSize(target) !== flat.length) {
      throw new ShapeError(
        `tensor: shape must have ${flat.length} elements to match the data; got ${formatShape(target)} (${shapeSize(target)} elements).`,
      );
    }
    shape = target;
  }
  const dtype = options.dtype ?? inferred;
  const storage = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) storage[i] = castScalar(Number(flat[i]), dtype);
  const t = fromData(storage, shape, dtype);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/**
 * Wraps an existing ndarray view without copying; the tensor and the view share storage.
 * @throws {@link InvalidArgumentError} if the view's storage is not Float32/Float64/Int32/Uint8Array.
 */
export function fromNdarray(nd: NdArray, options: CreationOptions = {}): Tensor {
  const dtype = dtypeOfArray(nd.data);
  if (dtype === undefined) {
    throw new InvalidArgumentError(
      'fromNdarray: nd.data must be a Float32Array, Float64Array, Int32Array or Uint8Array.',
    );
  }
  if (options.dtype !== undefined && options.dtype !== dtype) {
    throw new InvalidArgumentError(
      `fromNdarray: dtype ${options.dtype} does not match the view's storage (${dtype}).`,
    );
  }
  return new Tensor(nd, dtype, options.requiresGrad ?? false);
}

/**
 * A tensor of `shape` filled with `value`.
 * @throws {@link InvalidArgumentError} if `shape` has negative or non-integer extents.
 */
export function full(shape: readonly number[], value: number, options: CreationOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const dtype = options.dtype ?? 'float32';
  const data = allocate(dtype, shapeSize(s));
  if (value !== 0) data.fill(castScalar(value, dtype));
  return new Tensor(createView(data, s), dtype, options.requiresGrad ?? false);
}

/** A tensor of zeros of `shape`. */
export function zeros(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones of `shape`. */
export function ones(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** A tensor with `x`'s shape and dtype (unless overridden) filled with `value`. */
export function fullLike(x: Tensor, value: number, options: CreationOptions = {}): Tensor {
  return full(x.shape, value, { dtype: x.dtype, ...options });
}

/** Zeros with `x`'s shape and dtype. */
export function zerosLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return fullLike(x, 0, options);
}

/** Ones with `x`'s shape and dtype. */
export function onesLike(x: Tensor, options: CreationOptions = {}): Tensor {
  return fullLike(x, 1, options);
}

/** A 0-d tensor holding `value`. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return full([], value, { dtype });
}
