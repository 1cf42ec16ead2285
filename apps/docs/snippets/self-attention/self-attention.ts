import { MultiHeadAttention } from '@attnkit/multihead';
import { Generator, ones, tensor } from '@attnkit/tensor';

export function main() {
  // D2L §11.6.1: in self-attention the queries, keys and values are the same
  // tokens X.
  const attention = new MultiHeadAttention({
    numHiddens: 100,
    numHeads: 5,
    dropout: 0.5,
    rng: new Generator(0),
  });
  attention.eval();
  const X = ones([2, 4, 100]); // (batch, positions, hiddens)
  return attention.forward(X, X, X, tensor([3, 2], { dtype: 'int32' })).shape;
}
// expect: [2,4,100]
