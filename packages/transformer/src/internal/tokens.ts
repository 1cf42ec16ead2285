import { formatShape, InvalidArgumentError, ShapeError, type Tensor } from '@attnkit/tensor';

/**
 * Checks token ids: an int32 `(batch, positions)` tensor with every id in [0, vocabSize).
 * @throws {@link ShapeError} if `tokens` is not 2-D.
 * @throws {@link InvalidArgumentError} if `tokens` is not int32 or an id lies outside [0, vocabSize)
 *   (the message names the first such id and its position).
 */
export function checkTokens(op: string, tokens: Tensor, vocabSize: number): void {
  if (tokens.ndim !== 2) {
    throw new ShapeError(
      `${op}: tokens must have shape (batch, positions); got ${formatShape(tokens.shape)}.`,
    );
  }
  if (tokens.dtype !== 'int32') {
    throw new InvalidArgumentError(`${op}: tokens must have dtype int32; got ${tokens.dtype}.`);
  }
  const ids = tokens.toTypedArray();
  const n = tokens.shape[1]!;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= vocabSize) {
      throw new InvalidArgumentError(
        `${op}: token ids must be in [0, vocabSize = ${vocabSize}); got ${id} at (${Math.floor(i / n)}, ${i % n}).`,
      );
    }
  }
}
