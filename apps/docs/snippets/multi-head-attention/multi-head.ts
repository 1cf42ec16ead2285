import { MultiHeadAttention } from '@attnkit/multihead';
import { showHeatmaps } from '@attnkit/plot';
import { Generator, ones, randn, tensor } from '@attnkit/tensor';

export async function main() {
  const rng = new Generator(0);
  // D2L §11.5: 5 heads over 100 hidden units; 4 queries attend to 6 key–value
  // pairs.
  const attention = new MultiHeadAttention({
    numHiddens: 100,
    numHeads: 5,
    dropout: 0.5,
    rng,
  }).eval();
  const X = ones([2, 4, 100]);
  const Y = ones([2, 6, 100]);
  console.log(
    attention.forward(X, Y, Y, tensor([3, 2], { dtype: 'int32' })).shape,
  );

  // Each head learns its own projections, so each attends differently:
  // self-attention of 8 tokens.
  const heads = new MultiHeadAttention({
    numHiddens: 16,
    numHeads: 4,
    rng,
  }).eval();
  const tokens = randn([1, 8, 16], { rng });
  heads.forward(tokens, tokens, tokens);
  const perHead = heads.headWeights(); // (batch, heads, queries, keys)
  console.log(
    await showHeatmaps(perHead, {
      titles: ['Head 1', 'Head 2', 'Head 3', 'Head 4'],
      figsize: [7, 2.2],
    }),
  );
  return perHead.shape;
}
// expect: [2,4,100]
// expect: [1,4,8,8]
// expect-figures: 1
