import { InvalidArgumentError, Tensor } from '@attnkit/tensor';

/**
 * Reads token ids (a Tensor or an array-like) and checks each is an integer in [0, size).
 * @throws {@link InvalidArgumentError} naming `op`, the id and its position otherwise.
 */
export function readIds(op: string, ids: ArrayLike<number> | Tensor, size: number): ArrayLike<number> {
  const values: ArrayLike<number> = ids instanceof Tensor ? ids.toTypedArray() : ids;
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InvalidArgumentError(`${op}: ids must be a Tensor or an array of integers; got ${typeof ids}.`);
  }
  for (let i = 0; i < values.length; i++) {
    const id = values[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= size) {
      throw new InvalidArgumentError(
        `${op}: ids must be integers in [0, ${size}); got ${String(id)} at index ${i}.`,
      );
    }
  }
  return values;
}
