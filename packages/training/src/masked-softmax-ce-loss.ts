import {
  createView,
  formatShape,
  fromNdarray,
  InvalidArgumentError,
  mean,
  mul,
  ShapeError,
  Tensor,
} from '@attnkit/tensor';
import { crossEntropy } from './cross-entropy.js';

/**
 * D2L's masked softmax cross-entropy for sequences: the cross-entropy of every step, times a
 * mask that is 1 for the first `validLen[b]` steps of row b and 0 after, averaged over the steps.
 *
 * Shapes: pred (batch, steps, vocab), label (batch, steps), validLen (batch) -> (batch)
 *
 * @param pred - Logits, float32 or float64, vocabulary last.
 * @param label - int32 target tokens, each in [0, vocab).
 * @param validLen - Valid steps per row: an int32 or float tensor of integers, or a number array;
 *   lengths beyond `steps` keep every step.
 * @returns One loss per sequence, differentiable in `pred`.
 * @throws {@link ShapeError} if `pred` is not 3-d, or `label` or `validLen` does not match it (the
 *   message names both shapes).
 * @throws {@link InvalidArgumentError} if `validLen` is neither a Tensor nor an array, a length is
 *   negative or not an integer, or `label` is not int32 or holds a token outside [0, vocab).
 * @throws {@link InvalidArgumentError} if a valid length is not an integer in [0, steps] (lengths past the steps are not clamped).
 * @remarks As in D2L, the mean is over all `steps` (masked steps count as 0), not over the valid
 *   ones, so a row with validLen 0 gives 0.
 * @see D2L §10.7 "Sequence-to-Sequence Learning for Machine Translation" (`MaskedSoftmaxCELoss`).
 * @example
 * ```ts
 * maskedSoftmaxCELoss(ones([3, 4, 10]), ones([3, 4], { dtype: 'int32' }), [4, 2, 0]); // [2.3026, 1.1513, 0]
 * ```
 */
export function maskedSoftmaxCELoss(
  pred: Tensor,
  label: Tensor,
  validLen: Tensor | readonly number[],
): Tensor {
  const op = 'maskedSoftmaxCELoss';
  if (pred.ndim !== 3) {
    throw new ShapeError(
      `${op}: pred must have shape (batch, steps, vocab); got ${formatShape(pred.shape)}.`,
    );
  }
  const [batch, steps] = pred.shape as [number, number, number];
  if (label.ndim !== 2 || label.shape[0] !== batch || label.shape[1] !== steps) {
    throw new ShapeError(
      `${op}: label must have shape (${batch}, ${steps}) to match pred ${formatShape(pred.shape)}; got ${formatShape(label.shape)}.`,
    );
  }
  if (!Array.isArray(validLen) && !(validLen instanceof Tensor)) {
    throw new InvalidArgumentError(
      `${op}: validLen must be a Tensor or a number array; got ${typeof validLen}.`,
    );
  }
  const lens: ArrayLike<number> = validLen instanceof Tensor ? validLen.toTypedArray() : validLen;
  const lensShape = validLen instanceof Tensor ? validLen.shape : [validLen.length];
  if (lensShape.length !== 1 || lensShape[0] !== batch) {
    throw new ShapeError(
      `${op}: validLen must have shape (${batch}) to match pred ${formatShape(pred.shape)}; got ${formatShape(lensShape)}.`,
    );
  }
  // weights = sequence_mask(ones_like(label), validLen): 1 where step < validLen.
  const weights =
    pred.dtype === 'float64' ? new Float64Array(batch * steps) : new Float32Array(batch * steps);
  for (let b = 0; b < batch; b++) {
    const len = lens[b]!;
    // A length past the steps is an error, not clamped: it means pred and validLen do not belong together.
    if (!Number.isInteger(len) || len < 0 || len > steps) {
      throw new InvalidArgumentError(
        `${op}: validLen must hold integers in [0, steps = ${steps}]; got ${String(len)} at index ${b}.`,
      );
    }
    for (let s = 0; s < len; s++) weights[b * steps + s] = 1;
  }
  const unweighted = crossEntropy(pred, label, { reduction: 'none' });
  return mean(mul(unweighted, fromNdarray(createView(weights, [batch, steps]))), { axis: 1 });
}
