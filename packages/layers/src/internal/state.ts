import {
  formatShape,
  fromNdarray,
  InvalidArgumentError,
  isNdarray,
  type NdArray,
  type NestedArray,
  ShapeError,
  Tensor,
  type TypedArray,
  tensor,
} from '@attnkit/tensor';

/** One entry of a state dict as {@link Module.loadStateDict} accepts it. */
export type StateValue = Tensor | NdArray | TypedArray | number | NestedArray<number>;

/** A state value read as a tensor, and whether it was flat data that may take the target's shape. */
export interface ReadValue {
  readonly tensor: Tensor;
  /** A flat JS array or typed array: only its element count has to match. */
  readonly flat: boolean;
}

/**
 * Reads one state-dict value as a tensor without copying tensors or ndarrays.
 * @throws {@link InvalidArgumentError} naming `key` if the value is not tensor data.
 * @throws {@link ShapeError} naming `key` if a nested array is ragged.
 */
export function readStateValue(key: string, value: unknown): ReadValue {
  if (value instanceof Tensor) return { tensor: value, flat: false };
  if (isNdarray(value)) {
    try {
      return { tensor: fromNdarray(value), flat: false };
    } catch (err) {
      if (err instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(`loadStateDict: ${key}: ${err.message}`);
      }
      throw err;
    }
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { tensor: tensor(value as TypedArray, { dtype: 'float64' }), flat: true };
  }
  if (typeof value === 'number') return { tensor: tensor(value, { dtype: 'float64' }), flat: false };
  if (Array.isArray(value)) {
    try {
      const t = tensor(value as NestedArray<number>, { dtype: 'float64' });
      return { tensor: t, flat: t.ndim === 1 };
    } catch (err) {
      if (err instanceof ShapeError) throw new ShapeError(`loadStateDict: ${key}: ${err.message}`);
      throw err;
    }
  }
  throw new InvalidArgumentError(
    `loadStateDict: ${key} must be a Tensor, an ndarray, a typed array, a number or a nested number array; got ${describe(value)}.`,
  );
}

/**
 * Checks that `source` fits `target`: same shape, or the same number of elements for flat data.
 * @throws {@link ShapeError} naming `key` and both shapes otherwise.
 */
export function checkStateShape(key: string, target: readonly number[], source: ReadValue): void {
  const shape = source.tensor.shape;
  if (sameShape(shape, target)) return;
  if (source.flat && source.tensor.numel() === sizeOf(target)) return;
  throw new ShapeError(
    `loadStateDict: ${key} must have shape ${formatShape(target)}; got ${formatShape(shape)}.`,
  );
}

/**
 * Writes `source`'s elements (row-major) into `target`'s own storage, whatever its strides, casting
 * to `target`'s dtype. `target` keeps its identity, so anything holding it sees the new values.
 */
export function writeInto(target: Tensor, source: Tensor): void {
  const values = source.toTypedArray();
  const { data, stride, offset } = target.nd;
  const shape = target.shape;
  const n = values.length;
  const ndim = shape.length;
  const asBool = target.dtype === 'bool';
  const idx = new Array<number>(ndim).fill(0);
  let pos = offset;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    data[pos] = asBool ? (v !== 0 ? 1 : 0) : v;
    // Odometer over target's axes: step the last axis, carry outwards.
    for (let ax = ndim - 1; ax >= 0; ax--) {
      pos += stride[ax]!;
      if (++idx[ax]! < shape[ax]!) break;
      pos -= stride[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
