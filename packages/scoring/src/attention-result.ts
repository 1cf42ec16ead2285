import type { Tensor } from '@attnkit/tensor';

/** What the functional attentions return: the pooled values and the weights that pooled them. */
export interface AttentionResult {
  /** Attention-weighted sums of the values, e.g. `(..., queries, v)`. */
  output: Tensor;
  /** Weights over the keys, e.g. `(..., queries, keys)`; each row sums to 1 (or is all 0 if fully masked). */
  attentionWeights: Tensor;
}
