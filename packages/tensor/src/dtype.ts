import { scopedAllocate } from './memory/scope.js';
import { checkAllocation } from './validation/memory.js';

/** Element types a {@link Tensor} can hold. `bool` is stored as 0/1 bytes. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Typed arrays that back tensors. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Maps each dtype to its storage. */
export interface DTypeArrayMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * Allocates zeroed storage of `n` elements for `dtype`, after checking the size against the memory
 * limit (the one place tensor storage is allocated; `op` and `shape` name the request in errors).
 * `zeroed: false` is {@link allocateUninitialized}.
 * @throws {@link MemoryLimitError} if the storage would exceed the limit.
 */
export function allocate<T extends DType>(
  dtype: T,
  n: number,
  op?: string,
  shape?: readonly number[],
  argument?: string,
  zeroed?: boolean,
): DTypeArrayMap[T];
export function allocate(
  dtype: DType,
  n: number,
  op = 'allocate',
  shape: readonly number[] = [n],
  argument = 'result',
  zeroed = true,
): TypedArray {
  checkAllocation(op, argument, shape, dtype);
  // Inside withArena(): storage from the scope's buffer pool (memory/scope.ts).
  const pooled = scopedAllocate(dtype, n, zeroed);
  if (pooled !== null) return pooled;
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

/**
 * {@link allocate} for an op whose kernel writes every element of the result before anything
 * reads it: a buffer reused from a withArena() pool keeps its old contents instead of being
 * zeroed (fresh storage is zero as ever). Kernels that accumulate (`+=`, scatter) need
 * {@link allocate}. Tests run each switched op with a pool that fills these buffers with NaN.
 */
export function allocateUninitialized<T extends DType>(
  dtype: T,
  n: number,
  op?: string,
  shape?: readonly number[],
): DTypeArrayMap[T] {
  return allocate(dtype, n, op, shape, undefined, false);
}

/** The dtype whose storage is `data`, or undefined for other typed arrays. */
export function dtypeOfArray(data: ArrayBufferView): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Result type of a binary op (PyTorch-style promotion: bool < int32 < float32 < float64). */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** True for `float32` and `float64`. */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** The floating type an op that must return real numbers (exp, division, mean) gives for `dtype`. */
export function toFloating(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'float32';
}

/** Casts a JS number to what `dtype` storage keeps (used by `full`, `item` round trips and tests). */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'int32':
      return value | 0;
    case 'bool':
      return value ? 1 : 0;
  }
}
