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
