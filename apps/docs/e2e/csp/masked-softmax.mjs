// Page 1 of the strict-CSP test: only maskedSoftmax (D2L §11.3's example). Also imported by
// Node (csp.mjs) for the expected numbers.
import { maskedSoftmax } from '@attnkit/masking';
import { Generator, rand, tensor } from '@attnkit/tensor';

export async function compute() {
  const scores = rand([2, 2, 4], { rng: new Generator(0) });
  const weights = maskedSoftmax(scores, tensor([2, 3], { dtype: 'int32' }));
  return { weights: Array.from(weights.toTypedArray()) };
}
