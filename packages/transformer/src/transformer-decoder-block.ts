import { Module } from '@attnkit/layers';
import type { ValidLens } from '@attnkit/masking';
import { KVCacheLayer, type MultiHeadAttention } from '@attnkit/multihead';
import {
  checkOptions,
  concat,
  formatShape,
  type Generator,
  reshape,
  ShapeError,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import type { AddNorm } from './add-norm.js';
import { blockAddNorm, blockAttention, blockFFN, checkBlockParts } from './internal/block-parts.js';
import { checkChoice, checkConfig, checkCount, type FloatDType, SCHEMAS } from './internal/check.js';
import type { PositionWiseFFN } from './position-wise-ffn.js';

/**
 * What a Transformer decoder carries between calls (D2L's `state` list
 * `[enc_outputs, enc_valid_lens, [None] * num_blks]`).
 */
export interface TransformerDecoderState {
  /** Encoder outputs `(batch, sourcePositions, numHiddens)`, the keys and values of encoder–decoder attention. */
  encOutputs: Tensor;
  /** Valid source positions `(batch)` or `(batch, sourcePositions)`; `null` for no mask. */
  encValidLens: ValidLens | null;
  /**
   * Per block, every input that block has seen so far, `(batch, positionsSoFar, numHiddens)`, or
   * `null` before the first call (D2L `state[2][i]`); the keys and values of its self-attention.
   */
  keyValues: (Tensor | null)[];
}

/** Options of {@link TransformerDecoderBlock.forward} and `TransformerDecoder.forward`. */
export interface TransformerDecoderForwardOptions {
  /**
   * Keep the weights of both attentions (default `true`, as D2L, which plots them after a
   * forward); `false` lets each attention run the fused FlashAttention kernel when it can (no
   * dropout on the weights in training mode, no encoder validLen 0) and leaves its
   * `attentionWeights` null. The self-attention's lengths `seen + t + 1` are never 0.
   */
  needWeights?: boolean;
}

/**
 * The key/value caches of one decoder block during incremental decoding: the projected keys and
 * values of its self-attention (growing by one position per step) and of its encoder–decoder
 * attention (the encoder outputs, projected once).
 */
export interface TransformerDecoderBlockCache {
  /** Self-attention keys/values of every target position so far, `(batch, heads, seen, d)`. */
  readonly self: KVCacheLayer;
  /**
   * Encoder–decoder attention keys/values, `(sources, heads, sourcePositions, d)`: one row per
   * source, shared by the `batch / sources` consecutive decoder rows of that source (beam search).
   */
  readonly cross: KVCacheLayer;
}

/** Options of {@link TransformerDecoderBlock}. */
export interface TransformerDecoderBlockOptions {
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Hidden width of the position-wise FFN. */
  ffnNumHiddens: number;
  /** Number of attention heads. */
  numHeads: number;
  /** Dropout probability of the attention weights and the residual branches (default 0). */
  dropout?: number;
  /** Index of this block in the decoder: its slot in `state.keyValues` (default 0). */
  i?: number;
  /** `'post'` (default): ln(X + f(X)), as D2L and Vaswani et al.; `'pre'`: X + f(ln(X)) (Xiong et al. 2020). */
  norm?: 'pre' | 'post';
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * One Transformer decoder block: causal self-attention over the target so far, attention to the
 * encoder outputs, and a position-wise FFN, each followed by {@link AddNorm}.
 *
 * Shapes: X (batch, positions, numHiddens), state.encOutputs (batch, sourcePositions, numHiddens)
 *   -> (batch, positions, numHiddens); state.keyValues[i] grows to (batch, seen + positions, numHiddens)
 *
 * @param options - `numHiddens`, `ffnNumHiddens`, `numHeads`, `dropout = 0`, `i = 0`,
 *   `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if a size is not an integer ≥ 1, `numHiddens` is not
 *   divisible by `numHeads`, `dropout` is not in [0, 1], or `i` is not an integer ≥ 0.
 * @remarks State keys as D2L's PyTorch module: `attention1.*`, `addnorm1.ln.*`, `attention2.*`,
 *   `addnorm2.ln.*`, `ffn.dense{1,2}.*`, `addnorm3.ln.*`.
 *
 *   Caching follows D2L: `state.keyValues[i]` holds the block's earlier *inputs* (not projected
 *   keys), the new X is appended, and self-attention runs over all of them. D2L masks with
 *   `dec_valid_lens = [1, …, positions]` in training and not at all in eval mode. Here query t
 *   always sees keys 0..seen + t, i.e. valid lengths `seen + 1, …, seen + positions` with `seen`
 *   the number of cached positions: identical to D2L in training (seen = 0) and when decoding one
 *   token at a time in eval mode (the only query sees every key), and also correct for a
 *   multi-token call in eval mode or a call after cached positions, where D2L would let a query
 *   see its future. Hence step-by-step decoding in eval mode reproduces the training-mode
 *   forward exactly (without dropout).
 * @see D2L §11.7.5 "Decoder"; Vaswani et al. 2017, §3.1–3.2.3.
 * @example
 * ```ts
 * const block = new TransformerDecoderBlock({ numHiddens: 24, ffnNumHiddens: 48, numHeads: 8, i: 0 });
 * const encOutputs = ones([2, 3, 24]); // (batch, sourcePositions, numHiddens)
 * const state = { encOutputs, encValidLens: [3, 2], keyValues: [null] };
 * const [Y] = block.forward(ones([2, 100, 24]), state); // (2, 100, 24)
 * ```
 */
export class TransformerDecoderBlock extends Module {
  /** Index of this block: its slot in `state.keyValues`. */
  readonly i: number;
  /** Causal self-attention (child `attention1`). */
  readonly attention1: MultiHeadAttention;
  /** Residual + norm after self-attention (child `addnorm1`). */
  readonly addnorm1: AddNorm;
  /** Encoder–decoder attention (child `attention2`). */
  readonly attention2: MultiHeadAttention;
  /** Residual + norm after encoder–decoder attention (child `addnorm2`). */
  readonly addnorm2: AddNorm;
  /** Position-wise FFN (child `ffn`). */
  readonly ffn: PositionWiseFFN;
  /** Residual + norm after the FFN (child `addnorm3`). */
  readonly addnorm3: AddNorm;
  /** `'post'` or `'pre'` normalisation. */
  readonly norm: 'pre' | 'post';
  readonly #numHiddens: number;

  constructor(options: TransformerDecoderBlockOptions) {
    super();
    checkConfig('TransformerDecoderBlock', options);
    const op = 'TransformerDecoderBlock';
    const parts = checkBlockParts(op, options);
    this.norm = checkChoice(op, 'norm', options.norm ?? 'post', ['pre', 'post']);
    this.i = checkCount(op, 'i', options.i ?? 0);
    this.#numHiddens = parts.numHiddens;
    this.attention1 = this.registerModule('attention1', blockAttention(parts));
    this.addnorm1 = this.registerModule('addnorm1', blockAddNorm(parts));
    this.attention2 = this.registerModule('attention2', blockAttention(parts));
    this.addnorm2 = this.registerModule('addnorm2', blockAddNorm(parts));
    this.ffn = this.registerModule('ffn', blockFFN(parts));
    this.addnorm3 = this.registerModule('addnorm3', blockAddNorm(parts));
  }

  /**
   * Appends X to `state.keyValues[i]`, then self-attention (causal), encoder–decoder attention
   * and the FFN, each with AddNorm.
   *
   * Shapes: X (batch, positions, numHiddens) -> [(batch, positions, numHiddens), state]
   *
   * @param X - The target representations of the new positions.
   * @param state - Encoder outputs, their valid lengths and the per-block inputs seen so far;
   *   `state.keyValues[i]` is replaced by its concatenation with X (the object is updated in place).
   * @param options - `needWeights = true`: keep both attentions' weights; `false` allows the fused kernel.
   * @returns `[output, state]`, as D2L.
   * @throws {@link ShapeError} if X is not `(batch, positions, numHiddens)`, or
   *   `state.keyValues[i]` does not match X in batch and width.
   * @throws {@link ShapeError} if `state.encOutputs` or `state.encValidLens` does not fit X
   *   (raised by `MultiHeadAttention`).
   */
  forward(
    X: Tensor,
    state: TransformerDecoderState,
    options: TransformerDecoderForwardOptions = {},
  ): [Tensor, TransformerDecoderState] {
    const op = 'TransformerDecoderBlock.forward';
    checkOptions(op, options, SCHEMAS.needWeights);
    if (X.ndim !== 3 || X.shape[2] !== this.#numHiddens) {
      throw new ShapeError(
        `${op}: X must have shape (batch, positions, ${this.#numHiddens}); got ${formatShape(X.shape)}.`,
      );
    }
    const [batch, steps] = X.shape as [number, number, number];
    const previous = state.keyValues[this.i] ?? null;
    if (
      previous !== null &&
      (previous.ndim !== 3 || previous.shape[0] !== batch || previous.shape[2] !== this.#numHiddens)
    ) {
      throw new ShapeError(
        `${op}: state.keyValues[${this.i}] must have shape (${batch}, seen, ${this.#numHiddens}) to match X ${formatShape(X.shape)}; got ${formatShape(previous.shape)}.`,
      );
    }
    const keyValues = previous === null ? X : concat([previous, X], 1);
    state.keyValues[this.i] = keyValues;
    const seen = previous === null ? 0 : previous.shape[1]!;
    // D2L dec_valid_lens = arange(1, steps + 1) per batch row, shifted by the cached positions.
    const lens = new Array<number>(batch * steps);
    for (let b = 0; b < batch; b++) for (let t = 0; t < steps; t++) lens[b * steps + t] = seen + t + 1;
    const decValidLens = tensor(lens, { shape: [batch, steps], dtype: 'int32' });

    const needWeights = options.needWeights ?? true;
    const encValidLens = state.encValidLens ?? undefined;
    const enc = state.encOutputs;
    let Y: Tensor;
    if (this.norm === 'post') {
      const X2 = this.attention1.forward(X, keyValues, keyValues, decValidLens, { needWeights });
      Y = this.addnorm1.forward(X, X2);
    } else {
      // Pre-norm: the cached inputs are normalised with the same ln as the new positions.
      const seenNormed = previous === null ? null : this.addnorm1.ln.forward(previous);
      Y = this.addnorm1.preNorm(X, (H) => {
        const kv = seenNormed === null ? H : concat([seenNormed, H], 1);
        return this.attention1.forward(H, kv, kv, decValidLens, { needWeights });
      });
    }
    const attend2 = (H: Tensor): Tensor =>
      this.attention2.forward(H, enc, enc, encValidLens, { needWeights });
    const Z = this.addnorm2.residual(Y, attend2, this.norm);
    return [this.addnorm3.residual(Z, (H) => this.ffn.forward(H), this.norm), state];
  }

  /**
   * An empty self-attention cache and the encoder–decoder keys/values projected once from
   * `encOutputs`, for {@link TransformerDecoderBlock.step}.
   *
   * Shapes: encOutputs (batch, sourcePositions, numHiddens) -> cross (batch, heads, sourcePositions, d)
   */
  startCache(encOutputs: Tensor): TransformerDecoderBlockCache {
    return { self: new KVCacheLayer(), cross: this.attention2.precompute(encOutputs, encOutputs) };
  }

  /**
   * Incremental decoding: the block's output for the new positions X given the cached projected
   * keys/values of the earlier positions (appended to `cache.self`) and the precomputed
   * encoder–decoder keys/values. Equals {@link TransformerDecoderBlock.forward} over the whole
   * prefix (each query sees itself and the earlier positions), without re-projecting the prefix
   * or the encoder outputs.
   *
   * Shapes: X (batch, positions, numHiddens), encOutputs (sources, sourcePositions, numHiddens) -> (batch, positions, numHiddens)
   *
   * @param encOutputs - One row per source; `batch` is a multiple of `sources` and the
   *   `batch / sources` consecutive rows of X from row `s · batch / sources` decode source s
   *   (beam search's beams). They attend to it as the queries of one batch entry, so the source's
   *   keys and values are neither copied nor repeated per row; `attention2`'s weights are then
   *   `(sources, heads, (batch / sources) · positions, sourcePositions)`.
   * @param encValidLens - Valid source positions `(sources)`; omit for no mask.
   * @param needWeights - Keep `attention2`'s weights (the cross-attention of this step; default true).
   * @throws {@link ShapeError} if `batch` is not a multiple of the number of sources.
   */
  step(
    X: Tensor,
    cache: TransformerDecoderBlockCache,
    encOutputs: Tensor,
    encValidLens?: ValidLens,
    needWeights = true,
  ): Tensor {
    const attend1 = (H: Tensor): Tensor =>
      this.attention1.forward(H, H, H, undefined, { cache: cache.self, isCausal: true, needWeights: false });
    const [batch, positions, width] = X.shape as [number, number, number];
    const sources = encOutputs.shape[0]!;
    if (batch % sources !== 0) {
      throw new ShapeError(
        `TransformerDecoderBlock.step: X must have a multiple of encOutputs' ${sources} rows, (k·${sources}, positions, ${width}); got ${formatShape(X.shape)}.`,
      );
    }
    const group = batch / sources;
    // The rows of one source are more queries of one batch entry: (sources, group·positions, width).
    const attend2 = (H: Tensor): Tensor => {
      const queries = group === 1 ? H : reshape(H, [sources, group * positions, width]);
      const out = this.attention2.forward(queries, encOutputs, encOutputs, encValidLens, {
        precomputed: cache.cross,
        needWeights,
      });
      return group === 1 ? out : reshape(out, [batch, positions, width]);
    };
    const Y = this.addnorm1.residual(X, attend1, this.norm);
    const Z = this.addnorm2.residual(Y, attend2, this.norm);
    return this.addnorm3.residual(Z, (H) => this.ffn.forward(H), this.norm);
  }
}
