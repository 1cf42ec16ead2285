import { allocate, castScalar, DTYPES, type DType, dtypeOfArray, type TypedArray } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { copyToContiguous } from '../kernels/copy.js';
import { createView, isNdarray, type NdArray } from '../ndarray.js';
import { checkShape, shapeSize } from '../shape.js';
import { fromData, type NestedArray, Tensor } from '../tensor.js';
import { checkOptions, describeValue, type OptionsSchema } from '../validation/check-options.js';

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
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @throws {@link InvalidArgumentError} if `dtype` is unknown (float16, int64, …), the data holds non-numbers, or an int32 value is not an integer in the int32 range (no truncation or wrap-around).
 * @throws {@link MemoryLimitError} if the result would exceed the memory limit ({@link getMemoryLimit}).
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3], [4, 5, 6]]); // float32, shape (2, 3)
 * const lens = tensor([2, 3], { dtype: 'int32' });
 * ```
 */
export function tensor(data: TensorLike, options: TensorOptions = {}): Tensor {
  checkOptions('tensor', options, { ...CREATION_SCHEMA, shape: 'array' });
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
  } else if (Array.isArray(data)) {
    shape = inferShape(data);
    flat = (data as unknown[]).flat(Number.POSITIVE_INFINITY) as (number | boolean)[];
    if (flat.length !== shapeSize(shape)) {
      throw new ShapeError(
        `tensor: data must be a rectangular nested array; got ragged rows under shape ${formatShape(shape)}.`,
      );
    }
    if (typeof flat[0] === 'boolean') inferred = 'bool';
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new InvalidArgumentError(
          `tensor: data must hold numbers or booleans; got ${describeValue(v)} at flat index ${i}.`,
        );
      }
    }
  } else {
    throw new InvalidArgumentError(
      `tensor: data must be a number, boolean, (nested) array, typed array or ndarray; got ${describeValue(data)}.`,
    );
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
  const storage = allocate(dtype, flat.length, 'tensor', shape, 'data');
  const exact = dtype === 'int32';
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    if (exact) checkStorable('tensor', 'data', v, dtype, i);
    storage[i] = castScalar(v, dtype);
  }
  const t = fromData(storage, shape, dtype);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** The keys every creation function accepts. */
export const CREATION_SCHEMA = {
  dtype: DTYPES,
  requiresGrad: 'boolean',
} as const satisfies OptionsSchema;

/**
 * Checks creation options (`dtype`, `requiresGrad`) and the dtype's name.
 * @throws {@link InvalidArgumentError} for an unknown key, a dtype attnkit does not have (float16,
 *   int64, …) or a non-boolean `requiresGrad`.
 */
export function checkCreationOptions(op: string, options: CreationOptions | undefined): void {
  checkOptions(op, options, CREATION_SCHEMA);
}

/**
 * Checks that `value` is stored exactly by int32: integers in [−2³¹, 2³¹ − 1] (no truncation of
 * 1.7, no wrap-around of 3e9, no NaN → 0). Bool storage takes any number (non-zero → true, as PyTorch).
 * @throws {@link InvalidArgumentError} naming `argument` and the flat index.
 */
export function checkStorable(
  op: string,
  argument: string,
  value: number | boolean,
  dtype: DType,
  index?: number,
): void {
  const v = Number(value);
  const at = index === undefined ? '' : ` at flat index ${index}`;
  if (dtype === 'int32' && !(Number.isInteger(v) && v >= -(2 ** 31) && v <= 2 ** 31 - 1)) {
    throw new InvalidArgumentError(
      `${op}: ${argument} must hold integers in [-2147483648, 2147483647] for dtype int32; got ${v}${at} (use cast() to truncate).`,
    );
  }
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
  checkCreationOptions('fromNdarray', options);
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
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @throws {@link MemoryLimitError} if the result would exceed the memory limit ({@link getMemoryLimit}).
 */
export function full(shape: readonly number[], value: number, options: CreationOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** {@link full} under the name of the public function that was called, for messages. */
export function filled(
  op: string,
  shape: readonly number[],
  value: number,
  options: CreationOptions,
): Tensor {
  checkCreationOptions(op, options);
  if (!Array.isArray(shape)) {
    throw new InvalidArgumentError(
      `${op}: shape must be an array of non-negative integers; got ${describeValue(shape)}.`,
    );
  }
  const s = checkShape(op, shape);
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${op}: value must be a number; got ${describeValue(value)}.`);
  }
  const dtype = options.dtype ?? 'float32';
  checkStorable(op, 'value', value, dtype);
  const data = allocate(dtype, shapeSize(s), op, s, 'shape');
  if (value !== 0) data.fill(castScalar(value, dtype));
  return new Tensor(createView(data, s), dtype, options.requiresGrad ?? false);
}

/** A tensor of zeros of `shape`. */
export function zeros(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones of `shape`. */
export function ones(shape: readonly number[], options: CreationOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** A tensor with `x`'s shape and dtype (unless overridden) filled with `value`. */
export function fullLike(x: Tensor, value: number, options: CreationOptions = {}): Tensor {
  return filled('fullLike', x.shape, value, {
    dtype: x.dtype,
    ...checkOptions('fullLike', options, CREATION_SCHEMA),
  });
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
  return filled('scalar', [], value, { dtype });
}
