import { Dropout, Module, Parameter } from '@attnkit/layers';
import { add, checkOptions, type Generator, mul, narrow, randn, type Tensor } from '@attnkit/tensor';
import { checkCount, checkFloatDType } from './internal/check.js';
import { checkPositions } from './internal/offset.js';
import { RNG } from './internal/rng.js';
import type { PositionOffsetOptions } from './positional-encoding.js';

/** Options of {@link LearnedPositionalEncoding}. */
export interface LearnedPositionalEncodingOptions {
  /** Number of positions (rows of `weight`). */
  maxLen: number;
  /** Encoding size d; the last axis of every input. */
  numHiddens: number;
  /** Dropout probability applied after the addition (default 0). */
  dropout?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial values and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Adds a trained vector per absolute position to X, then applies dropout (BERT's and GPT-2's
 * position embeddings).
 *
 * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens); weight (maxLen, numHiddens)
 *
 * @param options - `maxLen`, `numHiddens`, `dropout = 0`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `maxLen` is not an integer ≥ 0, `numHiddens` is not an
 *   integer ≥ 1, `dropout` is not in [0, 1], or `dtype` is not `float32`/`float64`.
 * @remarks `weight` (state key `weight`) starts from N(0, 0.02²), as GPT-2 initialises its position
 *   table `wpe` (HF `initializer_range = 0.02`); PyTorch's `nn.Embedding` default N(0, 1) would
 *   swamp token embeddings of that scale. Unlike the sinusoidal table, positions at or beyond
 *   `maxLen` have no encoding at all.
 * @see D2L §11.9 (BERT's learnable positional embeddings); Radford et al. 2019 (GPT-2);
 *   Devlin et al. 2019 (BERT).
 * @example
 * ```ts
 * const pos = new LearnedPositionalEncoding({ maxLen: 512, numHiddens: 64 });
 * const tokenEmbeddings = randn([2, 10, 64]); // (batch, positions, numHiddens)
 * pos.forward(tokenEmbeddings).shape; // [2, 10, 64]
 * ```
 */
export class LearnedPositionalEncoding extends Module {
  /** Number of positions. */
  readonly maxLen: number;
  /** Encoding size d. */
  readonly numHiddens: number;
  /** The dropout applied after adding the encoding (child module `dropout`). */
  readonly dropout: Dropout;
  /** The trained table `(maxLen, numHiddens)`; row i encodes position i. */
  readonly weight: Parameter;

  constructor(options: LearnedPositionalEncodingOptions) {
    super();
    const op = 'LearnedPositionalEncoding';
    checkOptions(
      op,
      options,
      { maxLen: 'number', numHiddens: 'number', dropout: 'number', dtype: 'string', rng: RNG },
      { required: true, usage: 'new LearnedPositionalEncoding({ maxLen: 100, numHiddens: 8 })' },
    );
    this.maxLen = checkCount(op, 'maxLen', options.maxLen);
    this.numHiddens = checkCount(op, 'numHiddens', options.numHiddens, 1);
    const dtype = checkFloatDType(op, options.dtype);
    const p = options.dropout ?? 0;
    const rng = options.rng;
    this.dropout = this.registerModule('dropout', new Dropout(rng === undefined ? { p } : { p, rng }));
    const normal = randn([this.maxLen, this.numHiddens], rng === undefined ? { dtype } : { dtype, rng });
    this.weight = this.registerParameter('weight', new Parameter(mul(normal, 0.02))); // GPT-2: std 0.02
  }

  /**
   * X + weight[offset:offset + positions], then dropout.
   *
   * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens)
   *
   * @param X - Token embeddings.
   * @param options - `offset = 0`: absolute position of X's first step (for step-by-step decoding).
   * @returns A new tensor, differentiable in X and `weight` (rows outside the window get zero gradient).
   * @throws {@link ShapeError} if X is not 3-D or its last axis is not `numHiddens`.
   * @throws {@link InvalidArgumentError} if `offset` is not an integer ≥ 0, or offset + positions >
   *   maxLen (the message names both numbers).
   */
  forward(X: Tensor, options: PositionOffsetOptions = {}): Tensor {
    checkOptions(
      'LearnedPositionalEncoding.forward',
      options,
      { offset: 'number' },
      { usage: 'forward(X, { offset: 3 })' },
    );
    const offset = options.offset ?? 0;
    const steps = checkPositions(
      'LearnedPositionalEncoding.forward',
      X,
      this.numHiddens,
      this.maxLen,
      offset,
    );
    return this.dropout.forward(add(X, narrow(this.weight, 0, offset, steps)));
  }
}
