import { InvalidArgumentError } from '@attnkit/tensor';

/** A floating dtype, the only ones parameters are stored in. */
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
 * Checks a probability in [0, 1] (a dropout rate).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkProbability(op: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a number in [0, 1]; got ${value}.`);
  }
  return value;
}

/**
 * Checks that `numHiddens` splits evenly into `numHeads` heads.
 * @throws {@link InvalidArgumentError} naming both numbers otherwise.
 */
export function checkHeads(op: string, numHiddens: number, numHeads: number): void {
  checkCount(op, 'numHiddens', numHiddens, 1);
  checkCount(op, 'numHeads', numHeads, 1);
  if (numHiddens % numHeads !== 0) {
    throw new InvalidArgumentError(
      `${op}: numHiddens must be divisible by numHeads; got numHiddens ${numHiddens} and numHeads ${numHeads}.`,
    );
  }
}

/**
 * Checks a choice among `allowed` string values.
 * @throws {@link InvalidArgumentError} listing the allowed values otherwise.
 */
export function checkChoice<T extends string>(
  op: string,
  argument: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) {
    const list = allowed.map((a) => `'${a}'`).join(', ');
    throw new InvalidArgumentError(`${op}: ${argument} must be one of ${list}; got '${String(value)}'.`);
  }
  return value;
}
