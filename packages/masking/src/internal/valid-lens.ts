import { checkAllocation, checkLengthValues, lengthsTensor, type Tensor, tensor } from '@attnkit/tensor';

/**
 * Valid lengths as D2L passes them: an int32 or float tensor holding integers, or plain arrays
 * (`number[]` for `(batch)`, `number[][]` for `(batch, queries)`).
 */
export type ValidLens = Tensor | readonly number[] | readonly (readonly number[])[];

/**
 * `validLens` as a tensor after checking its form (a non-bool tensor, `number[]` or rectangular
 * `number[][]` of numbers); plain arrays are copied as float64 so fractions reach the value check.
 * @throws {@link InvalidArgumentError} for a bool tensor, non-numbers or another kind of value.
 */
export function asLengthsTensor(op: string, validLens: ValidLens): Tensor {
  return lengthsTensor(op, 'validLens', validLens);
}

/**
 * Checks every length is an integer in [0, limit] and returns them as a detached int32 tensor —
 * the check shared with fused and multi-head attention (`checkLengthValues` in @attnkit/tensor).
 * @throws {@link InvalidArgumentError} naming the first bad entry.
 */
export function checkLengths(op: string, lens: Tensor, limit: number, limitName: string): Tensor {
  return checkLengthValues(op, 'validLens', lens, limit, limitName);
}

/**
 * keep[..., j] = j < lens[...]: a bool tensor of shape (...lens.shape, maxLen); with `blocked`,
 * its complement (j ≥ lens[...]).
 */
export function positionsBelow(op: string, lens: Tensor, maxLen: number, blocked = false): Tensor {
  // A plain loop rather than `lt(arange(maxLen), unsqueeze(lens, -1))`: lengths carry no gradient,
  // and a maskedSoftmax page then needs neither arange nor the comparison ops (issue 12, bundle size).
  const shape = [...lens.shape, maxLen];
  checkAllocation(op, 'mask', shape, 'bool');
  const values = lens.toTypedArray();
  const mask = new Uint8Array(values.length * maxLen);
  if (blocked) mask.fill(1);
  for (let i = 0, o = 0; i < values.length; i++, o += maxLen) {
    mask.fill(blocked ? 0 : 1, o, o + Math.min(values[i]!, maxLen));
  }
  return tensor(mask, { shape, dtype: 'bool' });
}
