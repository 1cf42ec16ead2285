import { ones, tensor } from '@attnkit/tensor';
import {
  AddNorm,
  PositionWiseFFN,
  TransformerEncoder,
  TransformerEncoderBlock,
} from '@attnkit/transformer';

export function main() {
  // D2L §11.7.2: the position-wise FFN transforms every position with the same
  // MLP.
  const ffn = new PositionWiseFFN({
    ffnNumHiddens: 4,
    ffnNumOutputs: 8,
  }).eval();
  console.log('ffn', ffn.forward(ones([2, 3, 4])).shape);
  // Residual connection followed by layer normalization.
  const addNorm = new AddNorm({ normShape: 4, dropout: 0.5 }).eval();
  console.log(
    'addNorm',
    addNorm.forward(ones([2, 3, 4]), ones([2, 3, 4])).shape,
  );

  // An encoder block keeps the shape of its input.
  const X = ones([2, 100, 24]);
  const validLens = tensor([3, 2], { dtype: 'int32' });
  const block = new TransformerEncoderBlock({
    numHiddens: 24,
    ffnNumHiddens: 48,
    numHeads: 8,
    dropout: 0.5,
  });
  console.log('block', block.eval().forward(X, validLens).shape);

  // The encoder: embedding, positional encoding and 2 blocks, on token ids.
  const encoder = new TransformerEncoder({
    vocabSize: 200,
    numHiddens: 24,
    ffnNumHiddens: 48,
    numHeads: 8,
    numBlks: 2,
    dropout: 0.5,
  });
  const tokens = ones([2, 100], { dtype: 'int32' });
  return encoder.eval().forward(tokens, validLens).shape;
}
// expect: ffn [2,3,8]
// expect: addNorm [2,3,4]
// expect: block [2,100,24]
// expect: [2,100,24]
