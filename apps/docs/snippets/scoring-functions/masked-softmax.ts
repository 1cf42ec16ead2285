import { maskedSoftmax } from '@attnkit/masking';
import { Generator, rand, tensor } from '@attnkit/tensor';

export function main() {
  const rng = new Generator(0);
  // D2L §11.3.2: two sequences with 2 and 3 valid keys; keys beyond get exactly
  // zero weight.
  console.log(
    maskedSoftmax(rand([2, 2, 4], { rng }), tensor([2, 3], { dtype: 'int32' })),
  );
  // One valid length per query (batch, queries).
  // biome-ignore format: one row per sequence
  return maskedSoftmax(rand([2, 2, 4], { rng }), tensor([[1, 3], [2, 4]], { dtype: 'int32' }));
}
// expect: Tensor (2, 2, 4) float32
// expect: 1.0000, 0.0000, 0.0000, 0.0000]
