import { Dropout, LayerNorm, Module } from '@attnkit/layers';
import type { KVCache, KVCacheLayer, MultiHeadAttention } from '@attnkit/multihead';
import { add, checkOptions, type Generator, type Tensor } from '@attnkit/tensor';
import type { AddNorm } from './add-norm.js';
import { blockAddNorm, blockAttention, blockFFN, checkBlockParts } from './internal/block-parts.js';
import { checkChoice, checkConfig, checkCount, type FloatDType, SCHEMAS } from './internal/check.js';
import type { PositionWiseFFN } from './position-wise-ffn.js';

/** Options of {@link TransformerLMBlock}. */
export interface TransformerLMBlockOptions {
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Number of query heads. */
  numHeads: number;
  /** Hidden width of the position-wise FFN. */
  ffnNumHiddens: number;
  /** Dropout probability of the attention weights and the residual branches (default 0). */
  dropout?: number;
  /** `'pre'` (default): X + f(ln(X)), as GPT-2; `'post'`: ln(X + f(X)), as D2L and Vaswani et al. */
  norm?: 'pre' | 'post';
  /** Positions inside the attention: `'none'` (default; added to the input instead), `'rotary'` or `'alibi'`. */
  positional?: 'none' | 'rotary' | 'alibi';
  /** Key/value heads (grouped-query attention), dividing `numHeads` (default `numHeads`). */
  numKVHeads?: number;
  /** FFN nonlinearity (default `'relu'`). */
  activation?: 'relu' | 'gelu';
  /** Slot of this block's attention in a shared KV cache (default 0). */
  layerIndex?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/** Options of {@link TransformerLMBlock.forward}. */
export interface TransformerLMBlockForwardOptions {
  /** Earlier keys and values (incremental decoding); X holds only the new positions. */
  cache?: KVCache | KVCacheLayer;
  /**
   * Keep the self-attention weights on `attention` (default `false`, as PyTorch's Transformer layers,
   * which call their attention with `need_weights=False`): without them the attention runs the
   * fused FlashAttention kernel when it can (see `MultiHeadAttention`'s `needWeights`) and
   * `attention.attentionWeights` is `null` afterwards.
   */
  needWeights?: boolean;
}

/**
 * One causal (decoder-only) Transformer block: masked multi-head self-attention and a
 * position-wise FFN, with pre- or post-norm residual connections.
 *
 * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens)
 *
 * @param options - `numHiddens`, `numHeads`, `ffnNumHiddens`, `dropout = 0`, `norm = 'pre'`,
 *   `positional = 'none'`, `numKVHeads = numHeads`, `activation = 'relu'`, `layerIndex = 0`,
 *   `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if a size is not an integer ≥ 1, `numHiddens` is not
 *   divisible by `numHeads`, `numKVHeads` does not divide `numHeads`, `dropout` is not in
 *   [0, 1], `norm`, `positional` or `activation` is unknown, or rotary positions get an odd head size.
 * @remarks Pre-norm: X ← X + dropout(attention(ln1(X))); X ← X + dropout(ffn(ln2(X))), state keys
 *   `ln1.*`, `attention.*`, `ln2.*`, `ffn.*`. Post-norm is D2L's encoder block made causal:
 *   Y = addnorm1(X, attention(X)); addnorm2(Y, ffn(Y)), state keys `attention.*`, `addnorm1.ln.*`,
 *   `ffn.*`, `addnorm2.ln.*`. Pre-norm keeps an identity path from input to output, which trains
 *   deeper stacks without warm-up (Xiong et al. 2020).
 * @see D2L §11.7 (blocks), §11.9 (decoder-only GPT); Radford et al. 2019 (GPT-2, pre-norm).
 * @example
 * ```ts
 * const block = new TransformerLMBlock({ numHiddens: 32, numHeads: 4, ffnNumHiddens: 64 });
 * block.forward(randn([2, 10, 32])).shape; // [2, 10, 32]
 * ```
 */
export class TransformerLMBlock extends Module {
  /** `'pre'` or `'post'` normalisation. */
  readonly norm: 'pre' | 'post';
  /** Causal self-attention (child `attention`). */
  readonly attention: MultiHeadAttention;
  /** Position-wise FFN (child `ffn`). */
  readonly ffn: PositionWiseFFN;
  readonly #ln1: LayerNorm | null = null;
  readonly #ln2: LayerNorm | null = null;
  readonly #dropout: Dropout | null = null;
  readonly #addnorm1: AddNorm | null = null;
  readonly #addnorm2: AddNorm | null = null;

  constructor(options: TransformerLMBlockOptions) {
    super();
    checkConfig('TransformerLMBlock', options);
    const op = 'TransformerLMBlock';
    const parts = checkBlockParts(op, options);
    const { numHiddens, dropout, dtype, rng } = parts;
    this.norm = checkChoice(op, 'norm', options.norm ?? 'pre', ['pre', 'post']);
    const positional = checkChoice(op, 'positional', options.positional ?? 'none', [
      'none',
      'rotary',
      'alibi',
    ]);
    const attention = blockAttention(parts, {
      positional,
      ...(options.numKVHeads === undefined ? {} : { numKVHeads: options.numKVHeads }),
      layerIndex: checkCount(op, 'layerIndex', options.layerIndex ?? 0),
    });
    const ffn = blockFFN(parts, { activation: options.activation ?? 'relu' });
    // Registration order is state-dict order.
    if (this.norm === 'pre') {
      this.#ln1 = this.registerModule('ln1', new LayerNorm({ normalizedShape: numHiddens, dtype }));
      this.attention = this.registerModule('attention', attention);
      this.#ln2 = this.registerModule('ln2', new LayerNorm({ normalizedShape: numHiddens, dtype }));
      this.ffn = this.registerModule('ffn', ffn);
      this.#dropout = this.registerModule('dropout', new Dropout({ p: dropout, ...rng }));
    } else {
      this.attention = this.registerModule('attention', attention);
      this.#addnorm1 = this.registerModule('addnorm1', blockAddNorm(parts));
      this.ffn = this.registerModule('ffn', ffn);
      this.#addnorm2 = this.registerModule('addnorm2', blockAddNorm(parts));
    }
  }

  /**
   * Runs the block causally: position t attends to positions ≤ t (and to everything cached).
   *
   * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens)
   *
   * @param X - Representations of the new positions.
   * @param options - `cache`: earlier keys and values; the new ones are appended to it.
   *   `needWeights = false`: keep `attention.attentionWeights` (`true`) or let the attention run
   *   the fused kernel (no dropout on the weights in training mode, no ALiBi).
   * @throws {@link ShapeError} if X is not `(batch, positions, numHiddens)` or does not extend the
   *   cache (raised by `MultiHeadAttention`).
   */
  forward(X: Tensor, options: TransformerLMBlockForwardOptions = {}): Tensor {
    checkOptions('TransformerLMBlock.forward', options, SCHEMAS.blockForward);
    const attend = (H: Tensor): Tensor =>
      this.attention.forward(H, H, H, undefined, {
        isCausal: true,
        needWeights: options.needWeights ?? false,
        ...(options.cache === undefined ? {} : { cache: options.cache }),
      });
    if (this.#ln1 !== null && this.#ln2 !== null && this.#dropout !== null) {
      const Y = add(X, this.#dropout.forward(attend(this.#ln1.forward(X))));
      return add(Y, this.#dropout.forward(this.ffn.forward(this.#ln2.forward(Y))));
    }
    const addnorm1 = this.#addnorm1 as AddNorm;
    const addnorm2 = this.#addnorm2 as AddNorm;
    const Y = addnorm1.forward(X, attend(X));
    return addnorm2.forward(Y, this.ffn.forward(Y));
  }
}
