import { scaledDotProductAttention } from '@attnkit/scoring';
import { tensor } from '@attnkit/tensor';

// One query attends over four key–value pairs: queries (batch 1, queries 1, d
// 2).
const queries = tensor([[[1, 0]]]);
// biome-ignore format: one key–value pair per row
const keys = tensor([[[1, 0], [0, 1], [1, 1], [-1, 0]]]);
// biome-ignore format: one key–value pair per row
const values = tensor([[[1, 10], [2, 20], [3, 30], [4, 40]]]);

export function main() {
  // softmax(q·kᵀ / √d) weighs the values; keys that point like the query weigh
  // most.
  const { output, attentionWeights } = scaledDotProductAttention(
    queries,
    keys,
    values,
  );
  console.log('attention weights', attentionWeights);
  return output;
}
// expect: Tensor (1, 1, 4) float32
// expect: [[[0.3655, 0.1802, 0.3655, 0.0889]]]
// expect: Tensor (1, 1, 2) float32
