import { Module, Parameter } from '@attnkit/layers';
import {
  checkOptions,
  createView,
  embedding,
  fromNdarray,
  type Generator,
  InvalidArgumentError,
  type Tensor,
  uniform,
} from '@attnkit/tensor';
import { checkCount, checkFloatDType } from './internal/check.js';
import { RNG } from './internal/rng.js';

/** Options of {@link RelativePositionEmbedding}. */
export interface RelativePositionEmbeddingOptions {
  /** Clipping distance k: offsets j − i beyond ±k share the embedding of ±k. */
  maxRelativePosition: number;
  /** Size of each embedding (the per-head key or value size). */
  headDim: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial values; the default generator when omitted. */
  rng?: Generator;
}

/** Options of {@link RelativePositionEmbedding.forward}. */
export interface RelativePositionEmbeddingForwardOptions {
  /**
   * Absolute position of query 0 relative to key 0 (query i sits at offset + i); default
   * numKeys − numQueries, so the last query is aligned with the last key (cached decoding), and 0
   * when numQueries = numKeys.
   */
  offset?: number;
}

/**
 * Learned relative position representations a_ij = w_{clip(j − i, −k, k)} (Shaw et al. 2018), one
 * vector per clipped offset between query i and key j.
 *
 * Shapes: -> (numQueries, numKeys, headDim); weight (2k + 1, headDim)
 *
 * Row k + δ of `weight` (state key `weight`) is the embedding of offset δ ∈ [−k, k]. Use one module
 * for keys (a^K) and one for values (a^V), with {@link relativeAttentionScores} and
 * {@link relativeAttentionOutput}.
 *
 * @param options - `maxRelativePosition` (k), `headDim`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `maxRelativePosition` is not an integer ≥ 0, `headDim` is
 *   not an integer ≥ 1, or `dtype` is not `float32`/`float64`.
 * @remarks `weight` starts from Glorot (Xavier) uniform U(−a, a), a = √(6 / (2k + 1 + headDim)): the
 *   default initializer of the TF1 variable in tensor2tensor's
 *   `_generate_relative_positions_embeddings`, whose authors published the method.
 * @see Shaw, Uszkoreit & Vaswani 2018, "Self-Attention with Relative Position Representations", §3.2;
 *   tensor2tensor `common_attention.py`.
 * @example
 * ```ts
 * const relK = new RelativePositionEmbedding({ maxRelativePosition: 4, headDim: 16 });
 * relK.forward(10, 10).shape; // [10, 10, 16]
 * ```
 */
export class RelativePositionEmbedding extends Module {
  /** Clipping distance k. */
  readonly maxRelativePosition: number;
  /** Size of each embedding. */
  readonly headDim: number;
  /** The table `(2k + 1, headDim)`; row k + δ embeds offset δ. */
  readonly weight: Parameter;

  constructor(options: RelativePositionEmbeddingOptions) {
    super();
    const op = 'RelativePositionEmbedding';
    checkOptions(
      op,
      options,
      { maxRelativePosition: 'number', headDim: 'number', dtype: 'string', rng: RNG },
      { required: true },
    );
    this.maxRelativePosition = checkCount(op, 'maxRelativePosition', options.maxRelativePosition);
    this.headDim = checkCount(op, 'headDim', options.headDim, 1);
    const dtype = checkFloatDType(op, options.dtype);
    const rows = 2 * this.maxRelativePosition + 1;
    const a = Math.sqrt(6 / (rows + this.headDim)); // Glorot uniform
    const random = options.rng === undefined ? { dtype } : { dtype, rng: options.rng };
    this.weight = this.registerParameter(
      'weight',
      new Parameter(uniform([rows, this.headDim], -a, a, random)),
    );
  }

  /**
   * The embeddings a_ij of every query i and key j: row clip(j − (offset + i), −k, k) + k of `weight`.
   *
   * Shapes: -> (numQueries, numKeys, headDim)
   *
   * @param numQueries - Number of queries.
   * @param numKeys - Number of keys.
   * @param options - `offset`: position of query 0 on the key axis (default numKeys − numQueries).
   * @returns A new tensor, differentiable in `weight` (gradients of a shared offset add up).
   * @throws {@link InvalidArgumentError} if `numQueries` or `numKeys` is not an integer ≥ 0, or
   *   `offset` is not an integer.
   */
  forward(
    numQueries: number,
    numKeys: number,
    options: RelativePositionEmbeddingForwardOptions = {},
  ): Tensor {
    const op = 'RelativePositionEmbedding.forward';
    checkOptions(op, options, { offset: 'number' });
    checkCount(op, 'numQueries', numQueries);
    checkCount(op, 'numKeys', numKeys);
    const offset = options.offset ?? numKeys - numQueries;
    if (!Number.isInteger(offset)) {
      throw new InvalidArgumentError(`${op}: offset must be an integer; got ${offset}.`);
    }
    const k = this.maxRelativePosition;
    const index = new Int32Array(numQueries * numKeys);
    for (let i = 0; i < numQueries; i++) {
      for (let j = 0; j < numKeys; j++) {
        const delta = j - (offset + i);
        index[i * numKeys + j] = Math.min(Math.max(delta, -k), k) + k; // Shaw eq. 5: clip(j − i, −k, k)
      }
    }
    return embedding(fromNdarray(createView(index, [numQueries, numKeys])), this.weight);
  }
}
