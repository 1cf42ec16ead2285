// Input checks and conversions shared by showHeatmaps and plot.
import { InvalidArgumentError, ShapeError, type Tensor } from '@attnkit/tensor';

/** A tensor or plain numbers: what the figure functions accept as data (tensors of any dtype; booleans count as 0 and 1). */
export type Numeric = Tensor | readonly number[];

/** True for an attnkit Tensor (duck-typed, so two copies of the class in one page still work). */
export function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray((x as Tensor).shape) &&
    typeof (x as Tensor).toArray === 'function' &&
    typeof (x as Tensor).dtype === 'string'
  );
}

/** The values of a tensor (any rank) or an array, flattened row-major, as float64 numbers. */
export function flatValues(x: Numeric): number[] {
  if (isTensor(x)) return ([x.toArray()] as unknown[]).flat(Number.POSITIVE_INFINITY).map(Number);
  return Array.from(x, Number);
}

/** Rejects keys not in `allowed` and values of the wrong type, naming the option. */
export function checkOptions(
  op: string,
  options: object,
  types: Readonly<Record<string, 'string' | 'number' | 'boolean' | 'strings' | 'pair' | 'numbers'>>,
): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new InvalidArgumentError(`${op}: options must be an object; got ${String(options)}.`);
  for (const [key, value] of Object.entries(options)) {
    const type = types[key];
    if (type === undefined)
      throw new InvalidArgumentError(
        `${op}: unknown option '${key}'; expected one of ${Object.keys(types).join(', ')}.`,
      );
    if (value === undefined) continue;
    const ok =
      type === 'strings'
        ? Array.isArray(value) && value.every((v) => typeof v === 'string')
        : type === 'numbers'
          ? Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
          : type === 'pair'
            ? Array.isArray(value) &&
              value.length === 2 &&
              value.every((v) => typeof v === 'number' && Number.isFinite(v))
            : typeof value === type && (type !== 'number' || Number.isFinite(value));
    if (!ok) {
      const expected = {
        strings: 'an array of strings',
        numbers: 'an array of finite numbers',
        pair: 'a pair [low, high] of finite numbers',
        string: 'a string',
        number: 'a finite number',
        boolean: 'a boolean',
      }[type];
      throw new InvalidArgumentError(`${op}: ${key} must be ${expected}; got ${JSON.stringify(value)}.`);
    }
  }
}

/** Throws if `values` holds NaN (a figure of NaN would silently draw nothing). */
export function checkFinite(op: string, argument: string, values: readonly number[]): void {
  const bad = values.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new InvalidArgumentError(`${op}: ${argument} holds NaN at flat index ${bad}.`);
}

export function shapeError(
  op: string,
  argument: string,
  expected: string,
  actual: readonly number[],
): ShapeError {
  return new ShapeError(`${op}: ${argument} must have shape ${expected}; got (${actual.join(', ')}).`);
}
