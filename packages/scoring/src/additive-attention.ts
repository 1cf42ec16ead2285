import { Dropout, Linear, Module } from '@attnkit/layers';
import { maskedSoftmax, type ValidLens } from '@attnkit/masking';
import {
  additiveScores,
  checkAllocation,
  checkOptions,
  formatShape,
  type Generator,
  InvalidArgumentError,
  matmul,
  reshape,
  ShapeError,
  type Tensor,
} from '@attnkit/tensor';
import { checkBatchedInputs } from './internal/check-inputs.js';
import { FLOAT_DTYPE, RNG } from './internal/options.js';

/** Options of {@link AdditiveAttention}. */
export interface AdditiveAttentionOptions {
  /** Width h of the hidden layer that scores each query-key pair. */
  numHiddens: number;
  /** Dropout probability on the attention weights, in [0, 1] (default 0). */
  dropout?: number;
  /** Key depth; omit to infer it at the first forward (D2L's `LazyLinear`). */
  keySize?: number;
  /** Query depth; omit to infer it at the first forward (D2L's `LazyLinear`). */
  querySize?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Additive (Bahdanau) attention (D2L `AdditiveAttention`): score(q, k) = w_vᵀ tanh(W_q q + W_k k),
 * D2L's masked softmax over the keys, dropout on the weights, then the weighted sum of the values.
 * Queries and keys may have different depths.
 *
 * Shapes: queries (batch, queries, querySize), keys (batch, keys, keySize), values (batch, keys, v),
 * validLens (batch) | (batch, queries) -> (batch, queries, v); W_q.weight (h, querySize),
 * W_k.weight (h, keySize), w_v.weight (1, h)
 *
 * State keys `W_k.weight`, `W_q.weight`, `w_v.weight` (no biases), in D2L's order, so a PyTorch
 * `state_dict()` loads unchanged. Without `keySize`/`querySize` the projections are lazy: they take
 * their input sizes from the first `forward` or from `loadStateDict`.
 *
 * @param options - `numHiddens`, `dropout = 0`, `keySize?`, `querySize?`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `numHiddens` is not a positive integer, `keySize` or
 *   `querySize` is not a non-negative integer, or `dropout` is not a number in [0, 1].
 * @throws {@link InvalidArgumentError} if the config is missing, has an unknown key or a wrong type.
 * @throws {@link MemoryLimitError} if the three projections would exceed the memory limit.
 * @remarks The scores are D2L's w_v(tanh(q.unsqueeze(2) + k.unsqueeze(1))) computed by one fused op
 *   (`additiveScores` of @attnkit/tensor); its backward keeps the tanh values, so memory still grows
 *   with queries·keys·h.
 * @see D2L §11.3.3 "Additive Attention"; Bahdanau et al. 2015.
 * @example
 * ```ts
 * const attention = new AdditiveAttention({ numHiddens: 8, dropout: 0.1 }).eval();
 * const queries = randn([2, 1, 20]); // (batch, queries, querySize)
 * const keys = ones([2, 10, 2]); // (batch, keys, keySize)
 * const values = randn([2, 10, 4]); // (batch, keys, v)
 * const out = attention.forward(queries, keys, values, tensor([2, 6], { dtype: 'int32' }));
 * out.shape; // [2, 1, 4] = (batch, queries, v)
 * ```
 */
export class AdditiveAttention extends Module {
  /** Key projection keySize -> h (D2L `W_k`). */
  readonly W_k: Linear;
  /** Query projection querySize -> h (D2L `W_q`). */
  readonly W_q: Linear;
  /** Scoring vector h -> 1 (D2L `w_v`). */
  readonly w_v: Linear;
  /** Dropout on the attention weights (D2L `self.dropout`). */
  readonly dropout: Dropout;
  #attentionWeights: Tensor | null = null;

  constructor(options: AdditiveAttentionOptions) {
    super();
    checkOptions(
      'AdditiveAttention',
      options,
      {
        numHiddens: 'number',
        dropout: 'number',
        keySize: 'number',
        querySize: 'number',
        dtype: FLOAT_DTYPE,
        rng: RNG,
      },
      { required: true, usage: 'new AdditiveAttention({ numHiddens: 8, dropout: 0.1 })' },
    );
    const { numHiddens, dtype = 'float32', rng } = options;
    if (!Number.isInteger(numHiddens) || numHiddens < 1) {
      throw new InvalidArgumentError(
        `AdditiveAttention: numHiddens must be a positive integer; got ${numHiddens}.`,
      );
    }
    // All three projections at once, before any is allocated (lazy sizes count as 1 until known).
    const inputs = (options.keySize ?? 1) + (options.querySize ?? 1) + 1;
    checkAllocation(
      'AdditiveAttention',
      'numHiddens × (keySize + querySize + 1) parameters',
      [numHiddens, inputs],
      dtype,
    );
    const linear = (inFeatures: number | undefined, outFeatures: number): Linear =>
      new Linear({
        outFeatures,
        bias: false,
        dtype,
        ...(inFeatures === undefined ? {} : { inFeatures }),
        ...(rng === undefined ? {} : { rng }),
      });
    this.W_k = this.registerModule('W_k', linear(options.keySize, numHiddens));
    this.W_q = this.registerModule('W_q', linear(options.querySize, numHiddens));
    this.w_v = this.registerModule('w_v', linear(numHiddens, 1));
    const p = options.dropout ?? 0;
    this.dropout = this.registerModule('dropout', new Dropout(rng === undefined ? { p } : { p, rng }));
  }

  /** The weights of the last `forward` before dropout, `(batch, queries, keys)`; `null` before. */
  get attentionWeights(): Tensor | null {
    return this.#attentionWeights;
  }

  /**
   * Scores every query-key pair with a one-hidden-layer network and pools the values.
   *
   * Shapes: queries (batch, queries, querySize), keys (batch, keys, keySize), values (batch, keys, v),
   * validLens (batch) | (batch, queries) -> (batch, queries, v)
   *
   * @param queries - `(batch, queries, querySize)`.
   * @param keys - `(batch, keys, keySize)`.
   * @param values - `(batch, keys, v)`.
   * @param validLens - Valid keys per sequence `(batch)` or per query `(batch, queries)`; omit
   *   for no mask.
   * @returns `(batch, queries, v)`; differentiable in the inputs and in every weight.
   * @throws {@link ShapeError} if an input is not 3-D, the batch or key counts disagree, a depth
   *   differs from `querySize`/`keySize` (given or inferred), or `validLens` is neither `(batch)`
   *   nor `(batch, queries)`.
   * @throws {@link InvalidArgumentError} if a length is negative, fractional or greater than keys.
   * @remarks Masking is D2L's `masked_softmax`: masked scores become −1e6, so a row with validLen 0
   *   is uniform over all keys.
   */
  forward(queries: Tensor, keys: Tensor, values: Tensor, validLens?: ValidLens): Tensor {
    const op = 'AdditiveAttention';
    checkBatchedInputs(op, queries, keys, values, false);
    for (const [name, t, layer, size] of [
      ['queries', queries, this.W_q, 'querySize'],
      ['keys', keys, this.W_k, 'keySize'],
    ] as const) {
      const expected = layer.inFeatures;
      if (expected !== null && t.shape[2] !== expected) {
        throw new ShapeError(
          `${op}: ${name} must have shape (batch, ${name}, ${expected}) (${size}); got ${formatShape(t.shape)}.`,
        );
      }
    }
    const q = this.W_q.forward(queries); // (batch, queries, h)
    const k = this.W_k.forward(keys); // (batch, keys, h)
    // w_vᵀ tanh(q_i + k_j) for every pair, as one op: D2L's broadcast sum (batch, queries, keys, h),
    // tanh and w_v product without their separate tensors and backward passes.
    const wv = this.w_v.weight;
    const scores = additiveScores(q, k, reshape(wv, [wv.shape[1]!])); // (batch, queries, keys)
    const weights = maskedSoftmax(scores, validLens);
    this.#attentionWeights = weights;
    return matmul(this.dropout.forward(weights), values);
  }
}
