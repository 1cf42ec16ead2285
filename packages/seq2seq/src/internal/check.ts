import { type Generator, InvalidArgumentError } from '@attnkit/tensor';

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
 * Checks an integer option ≥ `min`.
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkInteger(op: string, argument: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${String(value)}.`);
  }
  return value;
}

/**
 * Checks a probability option in [0, 1].
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkProbability(op: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a number in [0, 1]; got ${String(value)}.`);
  }
  return value;
}

/**
 * Checks a parameter dtype option.
 * @throws {@link InvalidArgumentError} naming `op` unless it is 'float32' or 'float64'.
 */
export function checkDType(op: string, value: unknown): 'float32' | 'float64' {
  if (value !== 'float32' && value !== 'float64') {
    throw new InvalidArgumentError(`${op}: dtype must be 'float32' or 'float64'; got ${String(value)}.`);
  }
  return value;
}

/** `{ rng }` when given, else `{}` (exactOptionalPropertyTypes forbids `rng: undefined`). */
export function rngOption(rng: Generator | undefined): { rng?: Generator } {
  return rng === undefined ? {} : { rng };
}
