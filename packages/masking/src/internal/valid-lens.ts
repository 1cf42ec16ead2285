import { arange, InvalidArgumentError, lt, Tensor, tensor, unsqueeze } from '@attnkit/tensor';

/**
 * Valid lengths as D2L passes them: an int32 or float tensor holding integers, or plain arrays
 * (`number[]` for `(batch)`, `number[][]` for `(batch, queries)`).
 */
export type ValidLens = Tensor | readonly number[] | readonly (readonly number[])[];

/**
 * `validLens` as a tensor (plain arrays are copied as float64 so fractions survive validation).
 * @throws {@link InvalidArgumentError} if a tensor has dtype bool.
 */
export function asLengthsTensor(op: string, validLens: ValidLens): Tensor {
  if (validLens instanceof Tensor) {
    if (validLens.dtype === 'bool') {
      throw new InvalidArgumentError(
        `${op}: validLens must be an int32 or float tensor of lengths; got dtype bool (did you mean a mask?).`,
      );
    }
    return validLens;
  }
  return tensor(validLens as number[] | number[][], { dtype: 'float64' });
}

/**
 * Checks every length is an integer in [0, limit] and returns them as a detached int32 tensor.
 * @throws {@link InvalidArgumentError} naming the first bad entry.
 */
export function checkLengths(op: string, lens: Tensor, limit: number, limitName: string): Tensor {
  const values = lens.toTypedArray();
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) {
      throw new InvalidArgumentError(
        `${op}: validLens must hold non-negative integers; got ${v} at flat index ${i}.`,
      );
    }
    if (v > limit) {
      throw new InvalidArgumentError(
        `${op}: validLens must not exceed ${limitName} (${limit}); got ${v} at flat index ${i}.`,
      );
    }
    out[i] = v;
  }
  return tensor(out, { shape: lens.shape, dtype: 'int32' });
}

/** keep[..., j] = j < lens[...]: a bool tensor of shape (...lens.shape, maxLen). */
export function positionsBelow(lens: Tensor, maxLen: number): Tensor {
  const positions = arange(0, maxLen, 1, { dtype: 'int32' });
  return lt(positions, unsqueeze(lens, -1));
}
