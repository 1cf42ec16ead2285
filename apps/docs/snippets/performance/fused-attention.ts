import { scaledDotProductAttention } from '@attnkit/scoring';
import {
  abs,
  fusedAttention,
  Generator,
  max,
  randn,
  sub,
  tensor,
} from '@attnkit/tensor';

export function main() {
  const rng = new Generator(0);
  const q = randn([2, 4, 128, 32], { rng }); // (batch, heads, queries, d)
  const k = randn([2, 4, 128, 32], { rng });
  const v = randn([2, 4, 128, 32], { rng });
  // per sequence, for every head
  const validLens = tensor([128, 90], { dtype: 'int32' });

  // Materialised: matmul, masked softmax, matmul; the weights are formed and
  // kept.
  const plain = scaledDotProductAttention(q, k, v, {
    isCausal: true,
    validLens,
  });
  console.log('weights kept by the plain path:', plain.attentionWeights.shape);

  // Fused: tile by tile with an online softmax; only the output and one number
  // per row are kept.
  const fused = fusedAttention(q, k, v, { isCausal: true, validLens });
  const diff = max(abs(sub(fused, plain.output))).item();
  console.log(`max |fused − plain| < 1e-5: ${diff < 1e-5}`);
  return fused.shape;
}
// expect: weights kept by the plain path: [2,4,128,128]
// expect: max |fused − plain| < 1e-5: true
// expect: [2,4,128,32]
