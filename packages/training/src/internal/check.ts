import { InvalidArgumentError } from '@attnkit/tensor';

/**
 * Checks a finite number ≥ 0 (a learning rate, a decay, an eps).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkNonNegative(op: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a finite number ≥ 0; got ${String(value)}.`);
  }
  return value;
}

/**
 * Checks a number in [0, 1) (a momentum coefficient β, a held-out fraction).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkUnitInterval(op: string, argument: string, value: number, closed = false): number {
  const ok = typeof value === 'number' && value >= 0 && (closed ? value <= 1 : value < 1);
  if (!ok) {
    const range = closed ? '[0, 1]' : '[0, 1)';
    throw new InvalidArgumentError(`${op}: ${argument} must be a number in ${range}; got ${String(value)}.`);
  }
  return value;
}

/**
 * Checks an integer ≥ `min` (a step count, a batch size).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkInteger(op: string, argument: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${String(value)}.`);
  }
  return value;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  return String(value);
}

/** A non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
