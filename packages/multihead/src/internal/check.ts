import { formatShape, InvalidArgumentError, ShapeError, type Tensor } from '@attnkit/tensor';
import type { MultiHeadRotaryOptions, PositionalKind } from '../multi-head-attention.js';

/**
 * Checks a size: an integer ≥ `min`; returns it.
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkCount(op: string, argument: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${value}.`);
  }
  return value;
}

/**
 * Checks that `x` is `(batch, n, hiddens)` with `hiddens` divisible by `numHeads`.
 * @throws {@link ShapeError} if `x` is not 3-D.
 * @throws {@link InvalidArgumentError} if `numHeads` is not an integer ≥ 1 or does not divide hiddens.
 */
export function checkSplittable(op: string, x: Tensor, numHeads: number): void {
  checkCount(op, 'numHeads', numHeads);
  if (x.ndim !== 3) {
    throw new ShapeError(`${op}: X must have shape (batch, n, hiddens); got ${formatShape(x.shape)}.`);
  }
  const hiddens = x.shape[2]!;
  if (hiddens % numHeads !== 0) {
    throw new InvalidArgumentError(
      `${op}: hiddens (${hiddens}) of X ${formatShape(x.shape)} must be divisible by numHeads (${numHeads}).`,
    );
  }
}

/**
 * Checks queries `(batch, queries, ·)`, keys `(batch, keys, ·)` and values `(batch, keys, ·)`,
 * and each last axis against the projection's input size when it is known.
 * @throws {@link ShapeError} naming the argument and both shapes.
 */
export function checkAttentionInputs(
  op: string,
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  sizes: readonly [number | null, number | null, number | null],
): void {
  const inputs = [
    ['queries', queries, 'queries', 'querySize'],
    ['keys', keys, 'keys', 'keySize'],
    ['values', values, 'keys', 'valueSize'],
  ] as const;
  inputs.forEach(([name, t, axis, size], i) => {
    const expected = sizes[i] ?? size;
    if (t.ndim !== 3 || (sizes[i] !== null && t.shape[2] !== sizes[i])) {
      throw new ShapeError(
        `${op}: ${name} must have shape (batch, ${axis}, ${expected}); got ${formatShape(t.shape)}.`,
      );
    }
  });
  const batch = queries.shape[0]!;
  if (keys.shape[0] !== batch) {
    throw new ShapeError(
      `${op}: keys must have shape (${batch}, keys, ${keys.shape[2]}) to match queries ${formatShape(queries.shape)}; got ${formatShape(keys.shape)}.`,
    );
  }
  if (values.shape[0] !== batch || values.shape[1] !== keys.shape[1]) {
    throw new ShapeError(
      `${op}: values must have shape (${batch}, ${keys.shape[1]}, ${values.shape[2]}) to match keys ${formatShape(keys.shape)}; got ${formatShape(values.shape)}.`,
    );
  }
}

/**
 * The rotary options to pass on, after checking `positional` and the rotary dimension against the head size.
 * @throws {@link InvalidArgumentError} if `positional` is unknown, `rotary` is given without
 *   `'rotary'`, or the rotary dimension is not an even integer in [2, headDim].
 */
export function checkRotary(
  op: string,
  positional: PositionalKind,
  rotary: MultiHeadRotaryOptions | undefined,
  headDim: number,
): MultiHeadRotaryOptions {
  if (positional !== 'none' && positional !== 'rotary' && positional !== 'alibi') {
    throw new InvalidArgumentError(
      `${op}: positional must be 'none', 'rotary' or 'alibi'; got ${JSON.stringify(positional)}.`,
    );
  }
  if (positional !== 'rotary') {
    if (rotary !== undefined) {
      throw new InvalidArgumentError(
        `${op}: rotary options need positional: 'rotary'; got positional '${positional}'.`,
      );
    }
    return {};
  }
  const r = rotary?.rotaryDim ?? headDim;
  if (!Number.isInteger(r) || r < 2 || r % 2 !== 0 || r > headDim) {
    throw new InvalidArgumentError(
      `${op}: rotary needs an even rotaryDim in [2, headDim = ${headDim}]; got ${r}${rotary?.rotaryDim === undefined ? ' (the head size)' : ''}.`,
    );
  }
  return { ...rotary };
}
