import { Dropout, Module } from '@attnkit/layers';
import { add, checkOptions, type Generator, narrow, reshape, type Tensor } from '@attnkit/tensor';
import { checkCount } from './internal/check.js';
import { checkPositions } from './internal/offset.js';
import { RNG } from './internal/rng.js';
import { sinusoidalEncoding } from './sinusoidal-encoding.js';

/** Options of {@link PositionalEncoding}. */
export interface PositionalEncodingOptions {
  /** Encoding size d; the last axis of every input. */
  numHiddens: number;
  /** Dropout probability applied after the addition (default 0). */
  dropout?: number;
  /** Number of positions in the table (default 1000, as D2L). */
  maxLen?: number;
  /** Random source of the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/** Options of {@link PositionalEncoding.forward} and {@link LearnedPositionalEncoding.forward}. */
export interface PositionOffsetOptions {
  /** Absolute position of the first step of X (default 0): the number of tokens already decoded. */
  offset?: number;
}

/**
 * Adds the fixed sinusoidal encoding of each position to X, then applies dropout (D2L's
 * `PositionalEncoding`).
 *
 * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens); P (1, maxLen, numHiddens)
 *
 * @param options - `numHiddens`, `dropout = 0`, `maxLen = 1000`, `rng`.
 * @throws {@link InvalidArgumentError} if `numHiddens` is not an integer ≥ 1, `maxLen` is not an
 *   integer ≥ 0, or `dropout` is not in [0, 1].
 * @remarks The table `P` is a non-persistent buffer: `stateDict()` is empty, as is the PyTorch
 *   state dict of D2L's module (which stores `P` as a plain attribute). Its angles are float64
 *   (see {@link sinusoidalEncoding}), so it differs from D2L's float32 table by up to ~1e-5 at far
 *   positions and is closer to the exact values.
 *
 *   Step-by-step decoding: D2L's `TransformerDecoder` feeds one token at a time at prediction time
 *   and calls `pos_encoding` on a length-1 input, so every generated token receives position 0's
 *   encoding — a bug. Pass `{ offset: t }` for the token at absolute position t (the number of
 *   tokens already decoded) to get P[t] instead.
 * @see D2L §11.6.3 "Positional Encoding", §11.7.6 (prediction loop); Vaswani et al. 2017, §3.5.
 * @example
 * ```ts
 * const posEncoding = new PositionalEncoding({ numHiddens: 32 }).eval();
 * const X = posEncoding.forward(zeros([1, 60, 32])); // = P[:, :60, :]
 * const tokenEmbedding = randn([1, 1, 32]); // (batch, 1, numHiddens)
 * const next = posEncoding.forward(tokenEmbedding, { offset: 7 }); // (1, 1, 32) at position 7
 * ```
 */
export class PositionalEncoding extends Module {
  /** Encoding size d. */
  readonly numHiddens: number;
  /** Number of positions in the table. */
  readonly maxLen: number;
  /** The dropout applied after adding the encoding (child module `dropout`). */
  readonly dropout: Dropout;
  /** The sinusoidal table `(1, maxLen, numHiddens)`, float32; a non-persistent buffer. */
  readonly P: Tensor;

  constructor(options: PositionalEncodingOptions) {
    super();
    const op = 'PositionalEncoding';
    checkOptions(
      op,
      options,
      { numHiddens: 'number', dropout: 'number', maxLen: 'number', rng: RNG },
      { required: true, usage: 'new PositionalEncoding({ numHiddens: 8, dropout: 0.1 })' },
    );
    this.numHiddens = checkCount(op, 'numHiddens', options.numHiddens, 1);
    this.maxLen = checkCount(op, 'maxLen', options.maxLen ?? 1000);
    const p = options.dropout ?? 0;
    this.dropout = this.registerModule(
      'dropout',
      new Dropout(options.rng === undefined ? { p } : { p, rng: options.rng }),
    );
    const table = reshape(sinusoidalEncoding(this.maxLen, this.numHiddens), [
      1,
      this.maxLen,
      this.numHiddens,
    ]);
    this.P = this.registerBuffer('P', table, { persistent: false });
  }

  /**
   * X + P[:, offset:offset + positions, :], then dropout.
   *
   * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens)
   *
   * @param X - Token embeddings (D2L scales them by √numHiddens first).
   * @param options - `offset = 0`: absolute position of X's first step.
   * @returns A new tensor of the promoted dtype of X and P; differentiable in X.
   * @throws {@link ShapeError} if X is not 3-D or its last axis is not `numHiddens`.
   * @throws {@link InvalidArgumentError} if `offset` is not an integer ≥ 0, or offset + positions >
   *   maxLen (the message names both numbers).
   */
  forward(X: Tensor, options: PositionOffsetOptions = {}): Tensor {
    checkOptions(
      'PositionalEncoding.forward',
      options,
      { offset: 'number' },
      { usage: 'forward(X, { offset: 3 })' },
    );
    const offset = options.offset ?? 0;
    const steps = checkPositions('PositionalEncoding.forward', X, this.numHiddens, this.maxLen, offset);
    return this.dropout.forward(add(X, narrow(this.P, 1, offset, steps)));
  }
}
