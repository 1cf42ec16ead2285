import { Generator, InvalidArgumentError, type OptionCheck } from '@attnkit/tensor';

/**
 * Checks a layer size: an integer ≥ `min` (0 by default).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkCount(op: string, argument: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${value}.`);
  }
  return value;
}

/** Option types shared by the layers' configs. */
export const FLOAT_DTYPE = ['float32', 'float64'] as const;
/** An `rng` option: a {@link Generator}. */
export const RNG: OptionCheck = { expected: 'a Generator', test: (v) => v instanceof Generator };

/**
 * Checks that `options` is an object whose keys are all in `allowed`.
 * @throws {@link InvalidArgumentError} naming `op` and the unknown keys otherwise.
 */
export function checkOptionKeys(op: string, options: unknown, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${op}: options must be an object; got ${String(options)}.`);
  }
  const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `${op}: unknown options [${unknown.join(', ')}]; expected keys of [${allowed.join(', ')}].`,
    );
  }
}

/**
 * Checks an optional boolean option.
 * @throws {@link InvalidArgumentError} naming `op` and `argument` if it is neither undefined nor a boolean.
 */
export function checkBoolean(op: string, argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(`${op}: ${argument} must be a boolean; got ${String(value)}.`);
  }
  return value;
}
