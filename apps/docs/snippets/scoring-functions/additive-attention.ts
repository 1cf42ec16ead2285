import { showHeatmaps } from '@attnkit/plot';
import { AdditiveAttention } from '@attnkit/scoring';
import {
  arange,
  expand,
  Generator,
  ones,
  randn,
  reshape,
  tensor,
} from '@attnkit/tensor';

export async function main() {
  const rng = new Generator(0);
  // D2L §11.3.3: queries (2, 1, 20) and keys (2, 10, 2) have different depths.
  const queries = randn([2, 1, 20], { rng });
  const keys = ones([2, 10, 2]);
  const values = expand(
    reshape(arange(0, 40, 1, { dtype: 'float32' }), [1, 10, 4]),
    [2, 10, 4],
  );
  const validLens = tensor([2, 6], { dtype: 'int32' });

  const attention = new AdditiveAttention({
    numHiddens: 8,
    dropout: 0.1,
    rng,
  }).eval();
  const output = attention.forward(queries, keys, values, validLens);
  // All keys are equal, so each query averages its valid values uniformly.
  // d2l.show_heatmaps(attention.attention_weights.reshape((1, 1, 2, 10)),
  // xlabel='Keys', ylabel='Queries')
  const weights = reshape(attention.attentionWeights!, [1, 1, 2, 10]);
  console.log(
    await showHeatmaps(weights, {
      xlabel: 'Keys',
      ylabel: 'Queries',
      figsize: [3.5, 1.6],
    }),
  );
  return output;
}
// expect: Tensor (2, 1, 4) float32
// expect: [[[2.0000, 3.0000, 4.0000, 5.0000]],
// expect: [[10.0000, 11.0000, 12.0000, 13.0000]]]
// expect-figures: 1
