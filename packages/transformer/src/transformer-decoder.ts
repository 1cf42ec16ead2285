import { type Embedding, LayerNorm, Linear, Module } from '@attnkit/layers';
import type { ValidLens } from '@attnkit/masking';
import type { PositionalEncoding } from '@attnkit/positional';
import {
  checkOptions,
  formatShape,
  type Generator,
  InvalidArgumentError,
  matmul,
  ShapeError,
  type Tensor,
  transpose,
} from '@attnkit/tensor';
import { checkChoice, checkConfig, type FloatDType, SCHEMAS } from './internal/check.js';
import { buildTokenStack, embedTokens } from './internal/token-stack.js';
import { checkTokens } from './internal/tokens.js';
import {
  TransformerDecoderBlock,
  type TransformerDecoderBlockCache,
  type TransformerDecoderForwardOptions,
  type TransformerDecoderState,
} from './transformer-decoder-block.js';

/** Options of {@link TransformerDecoder}. */
export interface TransformerDecoderOptions {
  /** Number of target tokens (rows of the embedding, outputs of `dense`). */
  vocabSize: number;
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Hidden width of each block's position-wise FFN. */
  ffnNumHiddens: number;
  /** Number of attention heads per block. */
  numHeads: number;
  /** Number of stacked decoder blocks. */
  numBlks: number;
  /** Dropout probability (positional encoding, attention weights, residual branches); default 0. */
  dropout?: number;
  /** Rows of the sinusoidal table: the longest target sequence (default 1000, as D2L). */
  maxLen?: number;
  /** `'post'` (default, D2L) or `'pre'` normalisation in every block; `'pre'` adds a final LayerNorm `ln`. */
  norm?: 'pre' | 'post';
  /**
   * Compute the logits with the embedding matrix, X Eᵀ (Press & Wolf 2017), instead of a separate
   * `dense` layer (default false, as D2L); the model then has no `dense.*` parameters.
   */
  tieWeights?: boolean;
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * The Transformer decoder: token embedding scaled by √numHiddens, sinusoidal positional encoding
 * at the right absolute positions, `numBlks` {@link TransformerDecoderBlock}s and a dense layer to
 * vocabulary logits.
 *
 * Shapes: tokens (batch, positions) int32, state.encOutputs (batch, sourcePositions, numHiddens)
 *   -> [logits (batch, positions, vocabSize), state]
 *
 * @param options - `vocabSize`, `numHiddens`, `ffnNumHiddens`, `numHeads`, `numBlks`,
 *   `dropout = 0`, `maxLen = 1000`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if a size (`numBlks` included) is not an integer ≥ 1,
 *   `numHiddens` is not divisible by `numHeads`, or `dropout` is not in [0, 1].
 * @remarks State keys as D2L's PyTorch module: `embedding.weight`, `blks.block0.attention1.…`, …,
 *   `dense.weight`, `dense.bias`.
 *
 *   Fixes D2L's positional-encoding bug at prediction: D2L's `predict_step` feeds one token per
 *   call and `pos_encoding` always adds position 0's encoding to it. Here the tokens of a call are
 *   encoded at positions `seen, seen + 1, …`, where `seen` is the number of target positions
 *   already in `state.keyValues[0]` (0 for a fresh {@link TransformerDecoder.initState}), so
 *   decoding token by token in eval mode gives the logits of one training-mode forward over the
 *   whole target (without dropout).
 * @see D2L §11.7.5 "Decoder", §11.7.6 (prediction); Vaswani et al. 2017, §3.
 * @example
 * ```ts
 * const decoder = new TransformerDecoder({ vocabSize: 200, numHiddens: 24, ffnNumHiddens: 48, numHeads: 8, numBlks: 2 });
 * const encoder = new TransformerEncoder({ vocabSize: 200, numHiddens: 24, ffnNumHiddens: 48, numHeads: 8, numBlks: 2 });
 * const source = tensor([[1, 2, 3, 0], [4, 5, 0, 0]], { dtype: 'int32' }); // (batch, sourcePositions)
 * const validLens = [3, 2];
 * const target = tensor([[6, 7, 8], [9, 10, 11]], { dtype: 'int32' }); // (batch, positions)
 * const state = decoder.initState(encoder.forward(source, validLens), validLens);
 * const [logits] = decoder.forward(target, state); // (2, 3, 200) = (batch, positions, vocabSize)
 * ```
 */
export class TransformerDecoder extends Module {
  /** Width of every position's representation. */
  readonly numHiddens: number;
  /** Number of target tokens. */
  readonly vocabSize: number;
  /** Token embedding (child `embedding`). */
  readonly embedding: Embedding;
  /** Sinusoidal positional encoding with dropout (child `pos_encoding`; no state). */
  readonly posEncoding: PositionalEncoding;
  /** The blocks (children `blks.block0`, `blks.block1`, …). */
  readonly blks: readonly TransformerDecoderBlock[];
  /** Output layer to vocabulary logits (child `dense`); `null` with `tieWeights`. */
  readonly dense: Linear | null;
  /** Final LayerNorm of a pre-norm decoder (child `ln`), else `null`. */
  readonly ln: LayerNorm | null;
  /** `'post'` or `'pre'` normalisation. */
  readonly norm: 'pre' | 'post';

  constructor(options: TransformerDecoderOptions) {
    super();
    checkConfig('TransformerDecoder', options);
    const norm = checkChoice('TransformerDecoder', 'norm', options.norm ?? 'post', ['pre', 'post']);
    const stack = buildTokenStack(
      this,
      'TransformerDecoder',
      options,
      1,
      (i, common) => new TransformerDecoderBlock({ ...common, i, norm }),
    );
    this.vocabSize = stack.config.vocabSize;
    this.numHiddens = stack.config.numHiddens;
    this.embedding = stack.embedding;
    this.posEncoding = stack.posEncoding;
    this.blks = stack.blks;
    this.norm = norm;
    const dtype = stack.config.dtype;
    this.ln =
      norm === 'pre'
        ? this.registerModule('ln', new LayerNorm({ normalizedShape: this.numHiddens, dtype }))
        : null;
    this.dense =
      options.tieWeights === true
        ? null
        : this.registerModule(
            'dense',
            new Linear({
              inFeatures: this.numHiddens,
              outFeatures: this.vocabSize,
              dtype,
              ...stack.config.rng,
            }),
          );
  }

  /** Final norm (pre-norm) and the output layer: hidden states `(…, numHiddens)` → logits `(…, vocabSize)`. */
  logits(X: Tensor): Tensor {
    const H = this.ln === null ? X : this.ln.forward(X);
    return this.dense === null ? matmul(H, transpose(this.embedding.weight)) : this.dense.forward(H);
  }

  /**
   * Incremental decoding with projected key/value caches: the per-block caches for a new batch
   * of encoder outputs (encoder–decoder keys and values projected once here).
   *
   * Shapes: encOutputs (batch, sourcePositions, numHiddens) -> one cache per block
   */
  startCaches(encOutputs: Tensor): TransformerDecoderBlockCache[] {
    if (encOutputs.ndim !== 3 || encOutputs.shape[2] !== this.numHiddens) {
      throw new ShapeError(
        `TransformerDecoder.startCaches: encOutputs must have shape (batch, sourcePositions, ${this.numHiddens}); got ${formatShape(encOutputs.shape)}.`,
      );
    }
    return this.blks.map((blk) => blk.startCache(encOutputs));
  }

  /**
   * One decoding call over cached blocks: the logits of the new target tokens, which sit at
   * positions `caches[0].self.length, …`. Equals {@link TransformerDecoder.forward} on the whole
   * prefix (eval mode), without recomputing the prefix or the encoder's keys and values.
   *
   * Shapes: tokens (batch, positions) int32, encOutputs (sources, sourcePositions, numHiddens) -> logits (batch, positions, vocabSize)
   *
   * @param encOutputs - One row per source, `batch` a multiple of `sources`: the `batch / sources`
   *   consecutive rows of each source share its row (and its keys and values in `caches`), as
   *   {@link TransformerDecoderBlock.step} describes.
   * @param encValidLens - Valid source positions `(sources)`; omit for no mask.
   * @param needWeights - Keep the encoder–decoder attention weights of every block (default true).
   * @throws {@link InvalidArgumentError} if `caches` does not have one entry per block or a token id is out of range.
   */
  step(
    tokens: Tensor,
    caches: readonly TransformerDecoderBlockCache[],
    encOutputs: Tensor,
    encValidLens?: ValidLens,
    needWeights = true,
  ): Tensor {
    const op = 'TransformerDecoder.step';
    checkTokens(op, tokens, this.vocabSize);
    if (caches.length !== this.blks.length) {
      throw new InvalidArgumentError(
        `${op}: caches must have one entry per block (${this.blks.length}); got ${caches.length}. Use startCaches.`,
      );
    }
    const offset = caches[0]!.self.length;
    let X = embedTokens(this, this.numHiddens, tokens, offset);
    this.blks.forEach((blk, i) => {
      X = blk.step(X, caches[i]!, encOutputs, encValidLens, needWeights);
    });
    return this.logits(X);
  }

  /**
   * A fresh decoding state (D2L `init_state`): nothing decoded yet.
   *
   * Shapes: encOutputs (batch, sourcePositions, numHiddens), encValidLens (batch) | (batch, sourcePositions)
   *
   * @param encOutputs - The encoder's outputs.
   * @param encValidLens - Valid source positions; omit or `null` for no mask.
   * @returns `{ encOutputs, encValidLens, keyValues: [null, …] }` with one slot per block.
   * @throws {@link ShapeError} if `encOutputs` is not `(batch, sourcePositions, numHiddens)`.
   */
  initState(encOutputs: Tensor, encValidLens: ValidLens | null = null): TransformerDecoderState {
    if (encOutputs.ndim !== 3 || encOutputs.shape[2] !== this.numHiddens) {
      throw new ShapeError(
        `TransformerDecoder.initState: encOutputs must have shape (batch, sourcePositions, ${this.numHiddens}); got ${formatShape(encOutputs.shape)}.`,
      );
    }
    return { encOutputs, encValidLens, keyValues: this.blks.map(() => null) };
  }

  /**
   * Per block, the self-attention weights (`[0][i]`) and the encoder–decoder attention weights
   * (`[1][i]`) of the last forward, as D2L's `attention_weights`; each `(batch·heads, positions,
   * keys)`, `null` before a forward and for an attention whose last forward ran the fused kernel
   * (`needWeights: false`).
   */
  get attentionWeights(): [(Tensor | null)[], (Tensor | null)[]] {
    return [
      this.blks.map((blk) => blk.attention1.attentionWeights),
      this.blks.map((blk) => blk.attention2.attentionWeights),
    ];
  }

  /**
   * Decodes the new target tokens given everything decoded before (in `state`).
   *
   * Shapes: tokens (batch, positions) int32 -> [logits (batch, positions, vocabSize), state]
   *
   * @param tokens - Target token ids in [0, vocabSize): the whole target in training, the last
   *   token (or a chunk) when decoding step by step.
   * @param state - From {@link TransformerDecoder.initState}; updated in place.
   * @param options - `needWeights = true`: keep every attention's weights for
   *   {@link TransformerDecoder.attentionWeights}; `false` lets the attention run the fused kernel.
   * @returns `[logits, state]`, as D2L.
   * @throws {@link ShapeError} if `tokens` is not 2-D, or the state does not fit it.
   * @throws {@link InvalidArgumentError} if `tokens` is not int32, an id lies outside
   *   [0, vocabSize), `state.keyValues` does not have one slot per block, or the positions decoded
   *   so far exceed maxLen.
   */
  forward(
    tokens: Tensor,
    state: TransformerDecoderState,
    options: TransformerDecoderForwardOptions = {},
  ): [Tensor, TransformerDecoderState] {
    const op = 'TransformerDecoder.forward';
    checkOptions(op, options, SCHEMAS.needWeights);
    checkTokens(op, tokens, this.vocabSize);
    if (state.keyValues.length !== this.blks.length) {
      throw new InvalidArgumentError(
        `${op}: state.keyValues must have one slot per block (${this.blks.length}); got ${state.keyValues.length}. Use initState.`,
      );
    }
    // The fix of D2L's prediction bug: encode these tokens at their absolute positions.
    const offset = state.keyValues[0]?.shape[1] ?? 0;
    let X = embedTokens(this, this.numHiddens, tokens, offset);
    for (const blk of this.blks) [X] = blk.forward(X, state, options);
    return [this.logits(X), state];
  }
}
