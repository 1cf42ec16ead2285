import { Module } from '@attnkit/layers';
import type { ValidLens } from '@attnkit/masking';
import type { MultiHeadAttention } from '@attnkit/multihead';
import type { Generator, Tensor } from '@attnkit/tensor';
import { checkOptions } from '@attnkit/tensor';
import type { AddNorm } from './add-norm.js';
import { blockAddNorm, blockAttention, blockFFN, checkBlockParts } from './internal/block-parts.js';
import { checkChoice, checkConfig, type FloatDType, SCHEMAS } from './internal/check.js';
import type { PositionWiseFFN } from './position-wise-ffn.js';

/** Options of {@link TransformerEncoderBlock}. */
export interface TransformerEncoderBlockOptions {
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Hidden width of the position-wise FFN. */
  ffnNumHiddens: number;
  /** Number of attention heads. */
  numHeads: number;
  /** Dropout probability of the attention weights and both residual branches (default 0). */
  dropout?: number;
  /** Give the attention projections biases (default false, as D2L). */
  useBias?: boolean;
  /** `'post'` (default): ln(X + f(X)), as D2L and Vaswani et al.; `'pre'`: X + f(ln(X)) (Xiong et al. 2020). */
  norm?: 'pre' | 'post';
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/** Options of {@link TransformerEncoderBlock.forward} and `TransformerEncoder.forward`. */
export interface TransformerEncoderForwardOptions {
  /**
   * Keep the self-attention weights (default `true`, as D2L, which plots them after a forward);
   * `false` lets each attention run the fused FlashAttention kernel when it can (no dropout on the
   * weights in training mode, no validLen 0) and leaves its `attentionWeights` null.
   */
  needWeights?: boolean;
}

/**
 * One Transformer encoder block (post-norm): multi-head self-attention and a position-wise FFN,
 * each followed by {@link AddNorm}.
 *
 * Shapes: X (batch, positions, numHiddens), validLens (batch) | (batch, positions) -> (batch, positions, numHiddens)
 *
 * @param options - `numHiddens`, `ffnNumHiddens`, `numHeads`, `dropout = 0`, `useBias = false`,
 *   `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if a size is not an integer ≥ 1, `numHiddens` is not
 *   divisible by `numHeads`, or `dropout` is not in [0, 1].
 * @remarks State keys as D2L's PyTorch module: `attention.W_{q,k,v,o}.weight`,
 *   `addnorm1.ln.{weight,bias}`, `ffn.dense{1,2}.{weight,bias}`, `addnorm2.ln.{weight,bias}`.
 *   The block never changes the shape of its input, so blocks stack.
 * @see D2L §11.7.4 "Encoder"; Vaswani et al. 2017, §3.1.
 * @example
 * ```ts
 * const block = new TransformerEncoderBlock({ numHiddens: 24, ffnNumHiddens: 48, numHeads: 8, dropout: 0.5 });
 * block.eval().forward(ones([2, 100, 24]), [3, 2]).shape; // [2, 100, 24]
 * ```
 */
export class TransformerEncoderBlock extends Module {
  /** Self-attention (child `attention`). */
  readonly attention: MultiHeadAttention;
  /** Residual + norm after the attention (child `addnorm1`). */
  readonly addnorm1: AddNorm;
  /** Position-wise FFN (child `ffn`). */
  readonly ffn: PositionWiseFFN;
  /** Residual + norm after the FFN (child `addnorm2`). */
  readonly addnorm2: AddNorm;
  /** `'post'` or `'pre'` normalisation. */
  readonly norm: 'pre' | 'post';

  constructor(options: TransformerEncoderBlockOptions) {
    super();
    checkConfig('TransformerEncoderBlock', options);
    const parts = checkBlockParts('TransformerEncoderBlock', options);
    this.norm = checkChoice('TransformerEncoderBlock', 'norm', options.norm ?? 'post', ['pre', 'post']);
    this.attention = this.registerModule(
      'attention',
      blockAttention(parts, { bias: options.useBias ?? false }),
    );
    this.addnorm1 = this.registerModule('addnorm1', blockAddNorm(parts));
    this.ffn = this.registerModule('ffn', blockFFN(parts));
    this.addnorm2 = this.registerModule('addnorm2', blockAddNorm(parts));
  }

  /**
   * Y = addnorm1(X, attention(X, X, X, validLens)); returns addnorm2(Y, ffn(Y)) (post-norm; pre-norm
   * uses the same modules as Y = X + attention(ln1(X)), Y + ffn(ln2(Y))).
   *
   * Shapes: X (batch, positions, numHiddens), validLens (batch) | (batch, positions) -> (batch, positions, numHiddens)
   *
   * @param X - Input representations.
   * @param validLens - Valid (non-padding) positions per sequence `(batch)` or per query
   *   `(batch, positions)`; omit for no mask.
   * @param options - `needWeights = true`: keep `attention.attentionWeights`; `false` allows the fused kernel.
   * @throws {@link ShapeError} if X is not `(batch, positions, numHiddens)` or `validLens` has
   *   another shape (raised by `MultiHeadAttention`).
   * @throws {@link InvalidArgumentError} if a valid length is negative, fractional or > positions.
   */
  forward(X: Tensor, validLens?: ValidLens, options: TransformerEncoderForwardOptions = {}): Tensor {
    checkOptions('TransformerEncoderBlock.forward', options, SCHEMAS.needWeights);
    const needWeights = options.needWeights ?? true;
    const attend = (H: Tensor): Tensor => this.attention.forward(H, H, H, validLens, { needWeights });
    const Y = this.addnorm1.residual(X, attend, this.norm);
    return this.addnorm2.residual(Y, (H) => this.ffn.forward(H), this.norm);
  }
}
