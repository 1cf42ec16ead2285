import { InvalidArgumentError } from 'commander';

// Value parsers for commander options. A thrown commander InvalidArgumentError becomes
// "option '--steps <n>' argument '-5' is invalid. <reason>" and exit code 1.

/** Parses an integer ≥ `min`. */
export function parseInteger(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected an integer ≥ ${min}.`);
    }
    return n;
  };
}

/** Parses a finite number > 0 (or ≥ 0 when `allowZero`). */
export function parsePositive(allowZero = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) {
      throw new InvalidArgumentError(`Expected a number ${allowZero ? '≥' : '>'} 0.`);
    }
    return n;
  };
}

/** Parses a number in [0, 1) (or [0, 1] when `closed`). */
export function parseFraction(closed = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1 || (!closed && n === 1)) {
      throw new InvalidArgumentError(`Expected a number in [0, 1${closed ? ']' : ')'}.`);
    }
    return n;
  };
}

/** Parses an integer seed (any safe integer). */
export function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('Expected an integer.');
  }
  return n;
}

/** Parses one of `choices`. */
export function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`Expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/** A run directory name from the local time: `2026-11-21T08-30-05`. */
export function timestamp(date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}
