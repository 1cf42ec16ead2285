import { div, formatShape, mul, ShapeError, scalar, sum, type Tensor } from '@attnkit/tensor';
import { maskedSoftmaxCELoss } from '@attnkit/training';

/**
 * Cross-entropy per valid target token: the summed cross-entropy of the first `validLens[b]`
 * steps of every row, divided by the number of those steps (padding contributes nothing).
 *
 * Shapes: logits (batch, steps, vocab), labels (batch, steps) int32, validLens (batch) -> scalar
 *
 * @param logits - Decoder logits, e.g. from {@link EncoderDecoder.forward}.
 * @param labels - Target tokens `(batch, steps)`, int32.
 * @param validLens - Valid target steps per row (`<eos>` included), int32 tensor or numbers.
 * @returns The mean over valid tokens, differentiable in `logits`; 0 when no token is valid.
 * @throws {@link ShapeError} or {@link InvalidArgumentError} as `maskedSoftmaxCELoss` (of
 *   @attnkit/training) does for mismatched shapes, bad lengths or labels.
 * @remarks Built on D2L's `MaskedSoftmaxCELoss` (which averages each row over all `steps`): that
 *   times `steps`, summed over rows, over Σ min(validLen, steps) — D2L 1.0's `Seq2Seq.loss`, which
 *   masks `<pad>` targets and averages over the rest.
 * @see D2L §10.7.4 "Loss Function with Masking" (`MaskedSoftmaxCELoss`, `Seq2Seq.loss`).
 * @example
 * ```ts
 * sequenceLoss(zeros([2, 3, 4]), zeros([2, 3], { dtype: 'int32' }), [3, 1]); // ln 4 ≈ 1.3863
 * ```
 */
export function sequenceLoss(logits: Tensor, labels: Tensor, validLens: Tensor | readonly number[]): Tensor {
  if (logits.ndim !== 3) {
    throw new ShapeError(
      `sequenceLoss: logits must have shape (batch, steps, vocab); got ${formatShape(logits.shape)}.`,
    );
  }
  const steps = logits.shape[1]!;
  const perRow = maskedSoftmaxCELoss(logits, labels, validLens); // (batch), mean over all steps
  const lens = Array.isArray(validLens) ? validLens : Array.from((validLens as Tensor).toTypedArray());
  const count = lens.reduce((n: number, l: number) => n + Math.min(l, steps), 0);
  // Function forms, not `.mul()`: in a bundle a method form needs its op imported somewhere.
  const total = mul(sum(perRow), steps);
  return count === 0 ? mul(total, 0) : div(total, scalar(count, total.dtype));
}
