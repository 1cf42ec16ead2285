import { showHeatmaps } from '@attnkit/plot';
import {
  eye,
  matmul,
  mul,
  reshape,
  softmax,
  square,
  sub,
  tensor,
} from '@attnkit/tensor';

export async function main() {
  // D2L §11.1: weights that match each query to exactly one key — a database
  // lookup.
  const attentionWeights = reshape(eye(10), [1, 1, 10, 10]);
  console.log(
    await showHeatmaps(attentionWeights, { xlabel: 'Keys', ylabel: 'Queries' }),
  );

  // A soft lookup: a query between two keys gets a mix of their values.
  const keys = tensor([1, 2, 3, 4]);
  const values = tensor([10, 20, 30, 40]);
  const query = 2.5;
  // α(q, kᵢ) ∝ exp(−(q − kᵢ)²)
  const weights = softmax(mul(square(sub(keys, query)), -1));
  console.log('weights', weights);
  console.log('pooled value', matmul(weights, values).item());
}
// expect: Tensor (4) float32
// expect: pooled value 25
// expect-figures: 1
