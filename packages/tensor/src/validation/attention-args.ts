import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { fromData, Tensor } from '../tensor.js';
import { describeValue } from './check-options.js';

/** Sizes the lengths are checked against: `batch` is `undefined` for inputs without a batch axis. */
export interface LengthsLayout {
  readonly batch: number | undefined;
  readonly queries: number;
  readonly keys: number;
}

/**
 * Lengths as a flat list with their shape, after checking the form: an int32 or float tensor
 * (not bool), a `number[]` or a rectangular `number[][]` of numbers.
 */
function readLengths(
  op: string,
  argument: string,
  lens: unknown,
): { values: ArrayLike<number>; shape: number[] } {
  if (lens instanceof Tensor) {
    if (lens.dtype === 'bool') {
      throw new InvalidArgumentError(
        `${op}: ${argument} must be an int32 (or integer-valued float) tensor of lengths; got dtype bool (did you mean a mask?).`,
      );
    }
    return { values: lens.toTypedArray(), shape: lens.shape.slice() };
  }
  if (Array.isArray(lens)) {
    if (lens.length > 0 && Array.isArray(lens[0])) {
      const width = (lens[0] as unknown[]).length;
      const flat: number[] = [];
      for (const row of lens) {
        if (!Array.isArray(row) || row.length !== width) {
          throw new ShapeError(`${op}: ${argument} must be a rectangular number[][]; got ragged rows.`);
        }
        for (const v of row) flat.push(checkNumber(op, argument, v, flat.length));
      }
      return { values: flat, shape: [lens.length, width] };
    }
    return { values: lens.map((v, i) => checkNumber(op, argument, v, i)), shape: [lens.length] };
  }
  throw new InvalidArgumentError(
    `${op}: ${argument} must be a Tensor, number[] or number[][] of lengths; got ${describeValue(lens)}.`,
  );
}

function checkNumber(op: string, argument: string, v: unknown, i: number): number {
  if (typeof v !== 'number') {
    throw new InvalidArgumentError(
      `${op}: ${argument} must hold numbers; got ${describeValue(v)} at flat index ${i}.`,
    );
  }
  return v;
}

/**
 * Lengths as a tensor after checking only their form (not their values): the tensor itself, or a
 * float64 copy of a `number[]` / rectangular `number[][]` (float64 so fractions reach the value check).
 * @throws {@link InvalidArgumentError} for a bool tensor, non-numbers or another kind of value.
 * @throws {@link ShapeError} for ragged rows.
 */
export function lengthsTensor(op: string, argument: string, lens: unknown): Tensor {
  if (lens instanceof Tensor && lens.dtype !== 'bool') return lens;
  const { values, shape } = readLengths(op, argument, lens);
  return fromData(Float64Array.from(values), shape, 'float64');
}

/**
 * Checks lengths elementwise: finite integers in [0, limit]; returns them as a new int32 tensor.
 * The one check of lengths shared by masking, the plain and fused attention paths and multi-head
 * attention, so all of them give the same message.
 * @throws {@link InvalidArgumentError} naming `argument`, the bad value and its flat index.
 */
export function checkLengthValues(
  op: string,
  argument: string,
  lens: unknown,
  limit: number,
  limitName: string,
): Tensor {
  const { values, shape } = readLengths(op, argument, lens);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v > limit) {
      throw new InvalidArgumentError(
        `${op}: ${argument} must hold integers in [0, ${limitName} = ${limit}]; got ${v} at flat index ${i}.`,
      );
    }
    out[i] = v;
  }
  return fromData(out, shape, 'int32');
}

/**
 * Checks `validLens` for attention over `(batch, ..., queries, keys)` scores: shape `(batch)` or
 * `(batch, queries)`, values integers in [0, keys]; returns an int32 tensor.
 * @throws {@link ShapeError} naming both shapes when the shape does not fit, or when the inputs
 *   have no batch axis.
 * @throws {@link InvalidArgumentError} for a bool tensor, non-numbers, or a value that is not an
 *   integer in [0, keys] (fractions, NaN, ±Infinity, negatives, too large).
 */
export function checkValidLens(
  op: string,
  validLens: unknown,
  layout: LengthsLayout,
  argument = 'validLens',
): Tensor {
  const { batch, queries, keys } = layout;
  const lens = checkLengthValues(op, argument, validLens, keys, 'keys');
  if (batch === undefined) {
    throw new ShapeError(
      `${op}: ${argument} needs inputs with a batch axis (batch, ..., queries, d); got ${argument} of shape ${formatShape(lens.shape)}.`,
    );
  }
  const s = lens.shape;
  const ok = (s.length === 1 && s[0] === batch) || (s.length === 2 && s[0] === batch && s[1] === queries);
  if (!ok) {
    throw new ShapeError(
      `${op}: ${argument} must have shape (batch) = (${batch}) or (batch, queries) = (${batch}, ${queries}); got ${formatShape(s)}.`,
    );
  }
  return lens;
}

/**
 * Checks an additive (float) mask: every entry finite or −Infinity (blocked). `+Infinity` or NaN
 * would turn every output of the row into NaN.
 * @throws {@link InvalidArgumentError} naming `argument`, the value and its flat index.
 */
export function checkAdditiveMask(op: string, mask: Tensor, argument = 'mask'): void {
  if (mask.dtype === 'bool') return;
  const values = mask.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
      throw new InvalidArgumentError(
        `${op}: ${argument} (additive) must hold finite values or -Infinity (blocked); got ${v} at flat index ${i}.`,
      );
    }
  }
}
