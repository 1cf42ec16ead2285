import { type Embedding, LayerNorm, Module } from '@attnkit/layers';
import type { ValidLens } from '@attnkit/masking';
import type { PositionalEncoding } from '@attnkit/positional';
import type { Generator, Tensor } from '@attnkit/tensor';
import { checkOptions } from '@attnkit/tensor';
import { checkChoice, checkConfig, type FloatDType, SCHEMAS } from './internal/check.js';
import { buildTokenStack, embedTokens } from './internal/token-stack.js';
import { checkTokens } from './internal/tokens.js';
import {
  TransformerEncoderBlock,
  type TransformerEncoderForwardOptions,
} from './transformer-encoder-block.js';

/** Options of {@link TransformerEncoder}. */
export interface TransformerEncoderOptions {
  /** Number of source tokens (rows of the embedding). */
  vocabSize: number;
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Hidden width of each block's position-wise FFN. */
  ffnNumHiddens: number;
  /** Number of attention heads per block. */
  numHeads: number;
  /** Number of stacked encoder blocks. */
  numBlks: number;
  /** Dropout probability (positional encoding, attention weights, residual branches); default 0. */
  dropout?: number;
  /** Give the attention projections biases (default false, as D2L). */
  useBias?: boolean;
  /** Rows of the sinusoidal table: the longest source sequence (default 1000, as D2L). */
  maxLen?: number;
  /** `'post'` (default, D2L) or `'pre'` normalisation in every block; `'pre'` adds a final LayerNorm `ln`. */
  norm?: 'pre' | 'post';
  /** Use this embedding (e.g. the decoder's, for a shared source/target vocabulary) instead of a new one. */
  embedding?: Embedding;
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * The Transformer encoder: token embedding scaled by √numHiddens, sinusoidal positional encoding,
 * then `numBlks` {@link TransformerEncoderBlock}s.
 *
 * Shapes: tokens (batch, positions) int32, validLens (batch) | (batch, positions) -> (batch, positions, numHiddens)
 *
 * @param options - `vocabSize`, `numHiddens`, `ffnNumHiddens`, `numHeads`, `numBlks`,
 *   `dropout = 0`, `useBias = false`, `maxLen = 1000`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if a size is not an integer ≥ 1 (`numBlks` ≥ 0),
 *   `numHiddens` is not divisible by `numHeads`, or `dropout` is not in [0, 1].
 * @remarks State keys as D2L's PyTorch module: `embedding.weight`, then
 *   `blks.block0.attention.W_q.weight`, … (D2L fills an `nn.Sequential` with
 *   `add_module("block" + str(i), …)`, hence `block0`, not `0`). The positional table is not state.
 *   Embeddings are multiplied by √numHiddens because the encoding values lie in [−1, 1].
 * @see D2L §11.7.4 "Encoder"; Vaswani et al. 2017, §3.4 (embedding scale).
 * @example
 * ```ts
 * const encoder = new TransformerEncoder({ vocabSize: 200, numHiddens: 24, ffnNumHiddens: 48, numHeads: 8, numBlks: 2, dropout: 0.5 });
 * encoder.eval().forward(tensor([[1, 2, 3, 0]], { dtype: 'int32' }), [3]).shape; // [1, 4, 24]
 * ```
 */
export class TransformerEncoder extends Module {
  /** Width of every position's representation. */
  readonly numHiddens: number;
  /** Number of source tokens. */
  readonly vocabSize: number;
  /** Token embedding (child `embedding`). */
  readonly embedding: Embedding;
  /** Sinusoidal positional encoding with dropout (child `pos_encoding`; no state). */
  readonly posEncoding: PositionalEncoding;
  /** The blocks (children `blks.block0`, `blks.block1`, …). */
  readonly blks: readonly TransformerEncoderBlock[];
  /** Final LayerNorm of a pre-norm encoder (child `ln`), else `null`. */
  readonly ln: LayerNorm | null;

  constructor(options: TransformerEncoderOptions) {
    super();
    checkConfig('TransformerEncoder', options);
    const norm = checkChoice('TransformerEncoder', 'norm', options.norm ?? 'post', ['pre', 'post']);
    const stack = buildTokenStack(
      this,
      'TransformerEncoder',
      options,
      0,
      (_, common) => new TransformerEncoderBlock({ ...common, useBias: options.useBias ?? false, norm }),
      options.embedding,
    );
    this.vocabSize = stack.config.vocabSize;
    this.numHiddens = stack.config.numHiddens;
    this.embedding = stack.embedding;
    this.posEncoding = stack.posEncoding;
    this.blks = stack.blks;
    this.ln =
      norm === 'pre'
        ? this.registerModule(
            'ln',
            new LayerNorm({ normalizedShape: this.numHiddens, dtype: stack.config.dtype }),
          )
        : null;
  }

  /**
   * Self-attention weights of every block from the last forward, each `(batch·heads, positions,
   * positions)` in D2L's layout (row b·numHeads + h is batch b, head h); `null` before a forward
   * and for a block whose last forward ran the fused kernel (`needWeights: false`).
   */
  get attentionWeights(): (Tensor | null)[] {
    return this.blks.map((blk) => blk.attention.attentionWeights);
  }

  /**
   * Embeds the tokens, adds positions and runs every block.
   *
   * Shapes: tokens (batch, positions) int32, validLens (batch) | (batch, positions) -> (batch, positions, numHiddens)
   *
   * @param tokens - Source token ids in [0, vocabSize).
   * @param validLens - Valid (non-padding) positions per sequence; omit for no mask.
   * @param options - `needWeights = true`: keep every block's attention weights for
   *   {@link TransformerEncoder.attentionWeights}; `false` lets the attention run the fused kernel.
   * @throws {@link ShapeError} if `tokens` is not 2-D or `validLens` does not fit it.
   * @throws {@link InvalidArgumentError} if `tokens` is not int32, an id lies outside
   *   [0, vocabSize), positions > maxLen, or a valid length is out of range.
   */
  forward(tokens: Tensor, validLens?: ValidLens, options: TransformerEncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoder.forward', options, SCHEMAS.needWeights);
    checkTokens('TransformerEncoder.forward', tokens, this.vocabSize);
    let X = embedTokens(this, this.numHiddens, tokens);
    for (const blk of this.blks) X = blk.forward(X, validLens, options);
    return this.ln === null ? X : this.ln.forward(X);
  }
}
