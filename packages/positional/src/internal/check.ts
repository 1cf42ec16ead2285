import { InvalidArgumentError, type Tensor } from '@attnkit/tensor';

/** A floating dtype, the only ones positional tables are stored in. */
export type FloatDType = 'float32' | 'float64';

/**
 * Checks a size or count: an integer ≥ `min` (0 by default).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkCount(op: string, argument: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${value}.`);
  }
  return value;
}

/**
 * Checks an even integer ≥ 2 (a size made of rotation pairs).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkEven(op: string, argument: string, value: number): number {
  if (!Number.isInteger(value) || value < 2 || value % 2 !== 0) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an even integer ≥ 2; got ${value}.`);
  }
  return value;
}

/**
 * Checks a dtype option: `float32` (the default) or `float64`.
 * @throws {@link InvalidArgumentError} naming `op` otherwise.
 */
export function checkFloatDType(op: string, dtype: string | undefined): FloatDType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') {
    throw new InvalidArgumentError(`${op}: dtype must be 'float32' or 'float64'; got ${d}.`);
  }
  return d;
}

/**
 * Checks a frequency base: a finite number > 0.
 * @throws {@link InvalidArgumentError} naming `op` otherwise.
 */
export function checkBase(op: string, base: number): number {
  if (typeof base !== 'number' || !Number.isFinite(base) || base <= 0) {
    throw new InvalidArgumentError(`${op}: base must be a finite number > 0; got ${base}.`);
  }
  return base;
}

/**
 * Checks that `x` is a float32/float64 tensor.
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkFloating(op: string, argument: string, x: Tensor): Tensor {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new InvalidArgumentError(`${op}: ${argument} must have dtype float32 or float64; got ${x.dtype}.`);
  }
  return x;
}
