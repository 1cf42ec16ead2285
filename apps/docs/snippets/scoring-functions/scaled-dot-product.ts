import {
  DotProductAttention,
  scaledDotProductAttention,
} from '@attnkit/scoring';
import {
  arange,
  expand,
  Generator,
  ones,
  randn,
  reshape,
  tensor,
} from '@attnkit/tensor';

export function main() {
  const rng = new Generator(0);
  // D2L §11.3.2: queries and keys share the depth d = 2.
  const queries = randn([2, 1, 2], { rng });
  const keys = ones([2, 10, 2]);
  const values = expand(
    reshape(arange(0, 40, 1, { dtype: 'float32' }), [1, 10, 4]),
    [2, 10, 4],
  );
  const attention = new DotProductAttention({ dropout: 0.5 }).eval();
  console.log(
    attention.forward(
      queries,
      keys,
      values,
      tensor([2, 6], { dtype: 'int32' }),
    ),
  );

  // The functional form (PyTorch F.scaled_dot_product_attention) takes any
  // leading axes and masks.
  const q = randn([2, 4, 3, 8], { rng }); // (batch, heads, queries, d)
  const kv = randn([2, 4, 5, 8], { rng });
  const { output, attentionWeights } = scaledDotProductAttention(q, kv, kv, {
    isCausal: true,
  });
  console.log('output', output.shape, 'weights', attentionWeights.shape);
}
// expect: [[[2.0000, 3.0000, 4.0000, 5.0000]],
// expect: output [2,4,3,8] weights [2,4,3,5]
