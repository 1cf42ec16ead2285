import { formatShape, InvalidArgumentError, ShapeError, type Tensor } from '@attnkit/tensor';

/**
 * Validates X `(batch, positions, numHiddens)` and `offset` for an additive position table of
 * `maxLen` rows, and returns the number of positions.
 * @throws {@link ShapeError} if X is not 3-D or its last axis is not `numHiddens`.
 * @throws {@link InvalidArgumentError} if `offset` is not an integer ≥ 0 or offset + positions > maxLen.
 */
export function checkPositions(
  op: string,
  X: Tensor,
  numHiddens: number,
  maxLen: number,
  offset: number,
): number {
  if (X.ndim !== 3 || X.shape[2] !== numHiddens) {
    throw new ShapeError(
      `${op}: X must have shape (batch, positions, ${numHiddens}); got ${formatShape(X.shape)}.`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidArgumentError(`${op}: offset must be an integer ≥ 0; got ${offset}.`);
  }
  const steps = X.shape[1]!;
  if (offset + steps > maxLen) {
    throw new InvalidArgumentError(
      `${op}: offset + sequence length must be at most maxLen ${maxLen}; got offset ${offset} + length ${steps} = ${offset + steps}.`,
    );
  }
  return steps;
}
