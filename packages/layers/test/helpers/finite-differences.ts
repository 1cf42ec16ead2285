import { noGrad, type Tensor } from '@attnkit/tensor';

/**
 * Largest |analytic − numeric| over every element of every input, where the analytic gradient
 * comes from `loss().backward()` and the numeric one from central differences
 * (f(x + h) − f(x − h)) / 2h. Inputs must be contiguous float64 leaves that require gradients.
 */
export function maxGradientError(loss: () => Tensor, inputs: readonly Tensor[], h = 1e-6): number {
  for (const x of inputs) x.grad = null;
  loss().backward();
  let worst = 0;
  for (const x of inputs) {
    if (x.dtype !== 'float64') throw new Error('maxGradientError: inputs must be float64.');
    const analytic = x.grad?.toTypedArray();
    if (analytic === undefined) throw new Error('maxGradientError: an input received no gradient.');
    const { data, offset } = x.nd;
    for (let i = 0; i < x.size; i++) {
      const original = data[offset + i]!;
      data[offset + i] = original + h;
      const plus = noGrad(() => loss().item());
      data[offset + i] = original - h;
      const minus = noGrad(() => loss().item());
      data[offset + i] = original;
      worst = Math.max(worst, Math.abs(analytic[i]! - (plus - minus) / (2 * h)));
    }
  }
  return worst;
}
