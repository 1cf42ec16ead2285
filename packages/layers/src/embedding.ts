import {
  checkAllocation,
  checkOptions,
  embedding,
  type Generator,
  randn,
  type Tensor,
} from '@attnkit/tensor';
import { checkCount, FLOAT_DTYPE, RNG } from './internal/check.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Number of rows (vocabulary size or maximum position). */
  numEmbeddings: number;
  /** Length of each row. */
  embeddingDim: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source for the initial values; the default generator when omitted. */
  rng?: Generator;
}

/**
 * A lookup table of learned vectors: row `i` of `weight` for each index `i` (PyTorch `nn.Embedding`).
 *
 * Shapes: indices (...) int32 -> (..., embeddingDim); weight (numEmbeddings, embeddingDim)
 *
 * @param options - `numEmbeddings`, `embeddingDim`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `numEmbeddings` or `embeddingDim` is not a non-negative integer.
 * @throws {@link InvalidArgumentError} if the config is missing, has an unknown key or a wrong type.
 * @throws {@link MemoryLimitError} if the weight would exceed the memory limit.
 * @remarks `weight` starts from N(0, 1), as PyTorch; state key `weight`.
 * @see D2L §11.7 (token embeddings of the Transformer), §11.9 (learned positions in BERT).
 * @example
 * ```ts
 * const embed = new Embedding({ numEmbeddings: 10, embeddingDim: 4 });
 * embed.forward(tensor([[1, 2], [3, 9]], { dtype: 'int32' })).shape; // [2, 2, 4]
 * ```
 */
export class Embedding extends Module {
  /** Number of rows. */
  readonly numEmbeddings: number;
  /** Length of each row. */
  readonly embeddingDim: number;
  /** The table `(numEmbeddings, embeddingDim)`. */
  readonly weight: Parameter;

  constructor(options: EmbeddingOptions) {
    super();
    checkOptions(
      'Embedding',
      options,
      { numEmbeddings: 'number', embeddingDim: 'number', dtype: FLOAT_DTYPE, rng: RNG },
      { required: true, usage: 'new Embedding({ numEmbeddings: 10, embeddingDim: 4 })' },
    );
    this.numEmbeddings = checkCount('Embedding', 'numEmbeddings', options.numEmbeddings);
    this.embeddingDim = checkCount('Embedding', 'embeddingDim', options.embeddingDim);
    const shape = [this.numEmbeddings, this.embeddingDim];
    const dtype = options.dtype ?? 'float32';
    checkAllocation('Embedding', 'numEmbeddings × embeddingDim', shape, dtype);
    const random = options.rng === undefined ? { dtype } : { dtype, rng: options.rng };
    this.weight = this.registerParameter('weight', new Parameter(randn(shape, random)));
  }

  /**
   * Looks up the rows of `indices`.
   *
   * Shapes: indices (...) int32 -> (..., embeddingDim)
   *
   * @returns The rows, differentiable in `weight` (gradients scatter-add into the looked-up rows).
   * @throws {@link InvalidArgumentError} if `indices` is not int32 or an index lies outside
   *   [0, numEmbeddings) (raised by `embedding`).
   */
  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight);
  }
}
