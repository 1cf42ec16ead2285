import { Dropout, Module } from '@attnkit/layers';
import { maskedSoftmax, type ValidLens } from '@attnkit/masking';
import { checkOptions, div, type Generator, matmul, type Tensor, transpose } from '@attnkit/tensor';
import { checkBatchedInputs } from './internal/check-inputs.js';
import { RNG } from './internal/options.js';

/** Options of {@link DotProductAttention}. */
export interface DotProductAttentionOptions {
  /** Dropout probability on the attention weights, in [0, 1] (default 0). */
  dropout?: number;
  /** Random source of the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Scaled dot-product attention as a layer (D2L `DotProductAttention`): scores QKᵀ/√d, D2L's
 * masked softmax over the keys, dropout on the weights, then the weighted sum of the values.
 *
 * Shapes: queries (batch, queries, d), keys (batch, keys, d), values (batch, keys, v),
 * validLens (batch) | (batch, queries) -> (batch, queries, v)
 *
 * No parameters; the child `dropout` is active only in training mode (call `eval()` for
 * deterministic outputs). For other layouts, boolean or additive masks and causal masking use
 * {@link scaledDotProductAttention}.
 *
 * @param options - `dropout = 0`, `rng`.
 * @throws {@link InvalidArgumentError} if `dropout` is not a number in [0, 1].
 * @see D2L §11.3.2 "Scaled Dot Product Attention"; Vaswani et al. 2017, eq. 1.
 * @example
 * ```ts
 * const attention = new DotProductAttention({ dropout: 0.5 }).eval();
 * const queries = randn([2, 1, 2]); // (batch, queries, d)
 * const keys = randn([2, 10, 2]); // (batch, keys, d)
 * const values = randn([2, 10, 4]); // (batch, keys, v)
 * const out = attention.forward(queries, keys, values, tensor([2, 6], { dtype: 'int32' })); // (2, 1, 4)
 * attention.attentionWeights?.shape; // [2, 1, 10] = (batch, queries, keys)
 * ```
 */
export class DotProductAttention extends Module {
  /** Dropout on the attention weights (D2L `self.dropout`). */
  readonly dropout: Dropout;
  #attentionWeights: Tensor | null = null;

  constructor(options: DotProductAttentionOptions = {}) {
    super();
    checkOptions(
      'DotProductAttention',
      options,
      { dropout: 'number', rng: RNG },
      { usage: 'new DotProductAttention({ dropout: 0.1 })' },
    );
    const p = options.dropout ?? 0;
    this.dropout = this.registerModule(
      'dropout',
      new Dropout(options.rng === undefined ? { p } : { p, rng: options.rng }),
    );
  }

  /** The weights of the last `forward` before dropout, `(batch, queries, keys)`; `null` before. */
  get attentionWeights(): Tensor | null {
    return this.#attentionWeights;
  }

  /**
   * Attends each query to the keys and pools the values.
   *
   * Shapes: queries (batch, queries, d), keys (batch, keys, d), values (batch, keys, v),
   * validLens (batch) | (batch, queries) -> (batch, queries, v)
   *
   * @param queries - `(batch, queries, d)`.
   * @param keys - `(batch, keys, d)`.
   * @param values - `(batch, keys, v)`.
   * @param validLens - Valid keys per sequence `(batch)` or per query `(batch, queries)`; omit
   *   for no mask.
   * @returns `(batch, queries, v)`; differentiable in queries, keys and values.
   * @throws {@link ShapeError} if an input is not 3-D, the batch, depth or key counts disagree,
   *   or `validLens` is neither `(batch)` nor `(batch, queries)`.
   * @throws {@link InvalidArgumentError} if a length is negative, fractional or greater than keys.
   * @remarks Masking is D2L's `masked_softmax`: masked scores become −1e6, so a row with validLen 0
   *   is uniform over all keys.
   */
  forward(queries: Tensor, keys: Tensor, values: Tensor, validLens?: ValidLens): Tensor {
    checkBatchedInputs('DotProductAttention', queries, keys, values, true);
    const d = queries.shape[2]!;
    // D2L: torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
    const scores = div(matmul(queries, transpose(keys, 1, 2)), Math.sqrt(d));
    const weights = maskedSoftmax(scores, validLens);
    this.#attentionWeights = weights;
    return matmul(this.dropout.forward(weights), values);
  }
}
