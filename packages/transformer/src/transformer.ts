import { Module } from '@attnkit/layers';
import { KVCacheLayer, selectSourceRows } from '@attnkit/multihead';
import {
  formatShape,
  type Generator,
  InvalidArgumentError,
  indexSelect,
  noGrad,
  permute,
  reshape,
  ShapeError,
  stack,
  type Tensor,
} from '@attnkit/tensor';
import { checkChoice, checkConfig, checkCount } from './internal/check.js';
import { checkTokens } from './internal/tokens.js';
import { TransformerDecoder } from './transformer-decoder.js';
import type { TransformerDecoderBlockCache } from './transformer-decoder-block.js';
import { TransformerEncoder } from './transformer-encoder.js';

/** Options of {@link Transformer} (D2L `TransformerEncoder` + `TransformerDecoder` + `EncoderDecoder`). */
export interface TransformerOptions {
  /** Number of source tokens. */
  srcVocabSize: number;
  /** Number of target tokens. */
  tgtVocabSize: number;
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Hidden width of each block's position-wise FFN. */
  ffnNumHiddens: number;
  /** Number of attention heads per block. */
  numHeads: number;
  /** Number of encoder blocks and (unless `numDecoderBlks`) decoder blocks. */
  numBlks: number;
  /** Number of decoder blocks (default `numBlks`). */
  numDecoderBlks?: number;
  /** Dropout probability (positional encodings, attention weights, residual branches); default 0. */
  dropout?: number;
  /** Rows of the sinusoidal tables: the longest source and target sequence (default 1000). */
  maxLen?: number;
  /** `'post'` (default, D2L and Vaswani et al.) or `'pre'` normalisation (with a final LayerNorm per stack). */
  norm?: 'pre' | 'post';
  /** Decoder logits as X Eᵀ with the decoder embedding E (Press & Wolf 2017; default false). */
  tieWeights?: boolean;
  /** One embedding for source and target (needs `srcVocabSize === tgtVocabSize`; default false). */
  shareEmbeddings?: boolean;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/** The JSON-serialisable configuration of a {@link Transformer} (every option but `rng`, resolved). */
export type TransformerConfig = Required<Omit<TransformerOptions, 'rng'>>;

const CONFIG_KEYS = [
  'srcVocabSize',
  'tgtVocabSize',
  'numHiddens',
  'ffnNumHiddens',
  'numHeads',
  'numBlks',
  'numDecoderBlks',
  'dropout',
  'maxLen',
  'norm',
  'tieWeights',
  'shareEmbeddings',
  'dtype',
] as const satisfies readonly (keyof TransformerConfig)[];

/**
 * The decoder state of {@link Transformer} between decoding steps: D2L's `[enc_outputs,
 * enc_valid_lens, …]` with the per-block key/value caches in place of D2L's cached inputs.
 *
 * The decoder batch has `batch = sources · rowsPerSource` rows, the `rowsPerSource` consecutive
 * rows from `s · rowsPerSource` decoding source s (beam search's beams); what depends on the
 * source alone is held once per source and shared by its rows.
 */
export interface TransformerDecodingState {
  /** Encoder outputs `(sources, sourcePositions, numHiddens)`. */
  readonly encOutputs: Tensor;
  /** Valid source positions `(sources)` int32. */
  readonly encValidLens: Tensor;
  /**
   * Per decoder block: projected self-attention keys/values so far, `(batch, heads, seen, d)`, and
   * the cross-attention keys/values, `(sources, heads, sourcePositions, d)`.
   */
  readonly caches: readonly TransformerDecoderBlockCache[];
  /** Consecutive decoder rows per source (1 after {@link Transformer.startDecoding}). */
  readonly rowsPerSource: number;
}

/** What {@link Transformer.decodeStep} returns (the `DecodingModel` contract of @attnkit/seq2seq). */
export interface TransformerDecodeStep {
  /** Next-token logits `(batch, tgtVocabSize)`. */
  readonly logits: Tensor;
  /** The state after this token. */
  readonly state: TransformerDecodingState;
  /** Encoder–decoder attention weights of this step, `(blocks, batch, heads, sourcePositions)`. */
  readonly crossAttention: Tensor;
}

/**
 * The encoder–decoder Transformer (D2L §11.7, "The Transformer" of Vaswani et al. 2017): a
 * {@link TransformerEncoder} over the padded source and a {@link TransformerDecoder} with causal
 * self-attention and encoder–decoder attention, as D2L's `EncoderDecoder(TransformerEncoder,
 * TransformerDecoder)`.
 *
 * Shapes: encX (batch, sourcePositions) int32, decX (batch, targetPositions) int32, encValidLens (batch)
 *   -> logits (batch, targetPositions, tgtVocabSize)
 *
 * Beyond D2L: pre-norm, tied output weights, a shared embedding, and incremental decoding with key/value
 * caches ({@link Transformer.startDecoding}, {@link Transformer.decodeStep},
 * {@link Transformer.selectState}: the `DecodingModel` interface that `greedySearch`/`beamSearch`
 * of @attnkit/seq2seq decode), where the encoder–decoder keys and values are projected once per
 * source and each step projects only its own token.
 *
 * @param options - `srcVocabSize`, `tgtVocabSize`, `numHiddens`, `ffnNumHiddens`, `numHeads`,
 *   `numBlks`, `numDecoderBlks = numBlks`, `dropout = 0`, `maxLen = 1000`, `norm = 'post'`,
 *   `tieWeights = false`, `shareEmbeddings = false`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if an option is unknown, a size is not an integer ≥ 1,
 *   `numHiddens` is not divisible by `numHeads`, `dropout` is not in [0, 1], `norm` is unknown, or
 *   `shareEmbeddings` is set with different vocabulary sizes.
 * @remarks State keys as D2L's PyTorch `EncoderDecoder`: `encoder.embedding.weight`,
 *   `encoder.blks.block0.attention.W_q.weight`, …, `decoder.blks.block0.attention2.…`,
 *   `decoder.dense.{weight,bias}` (absent with `tieWeights`); pre-norm adds `encoder.ln.*` and
 *   `decoder.ln.*`. With `shareEmbeddings` the encoder's and decoder's `embedding.weight` are one
 *   parameter. The decoder encodes target positions absolutely, so cached decoding in eval mode
 *   gives the logits of the full training-mode forward (D2L's prediction re-encodes position 0).
 * @see D2L §11.7 "The Transformer Architecture" (§10.7 in the first edition); Vaswani et al. 2017.
 * @example
 * ```ts
 * const model = new Transformer({ srcVocabSize: 30, tgtVocabSize: 40, numHiddens: 32, ffnNumHiddens: 64, numHeads: 4, numBlks: 2 });
 * const src = tensor([[3, 4, 5, 0]], { dtype: 'int32' });
 * const logits = model.forward(src, tensor([[1, 7, 8]], { dtype: 'int32' }), tensor([3], { dtype: 'int32' }));
 * logits.shape; // [1, 3, 40]
 * ```
 */
export class Transformer extends Module {
  /** The encoder (child `encoder`). */
  readonly encoder: TransformerEncoder;
  /** The decoder (child `decoder`). */
  readonly decoder: TransformerDecoder;
  readonly #config: TransformerConfig;

  constructor(options: TransformerOptions) {
    super();
    const op = 'Transformer';
    checkConfig(op, options);
    const config: TransformerConfig = {
      srcVocabSize: checkCount(op, 'srcVocabSize', options.srcVocabSize, 1),
      tgtVocabSize: checkCount(op, 'tgtVocabSize', options.tgtVocabSize, 1),
      numHiddens: checkCount(op, 'numHiddens', options.numHiddens, 1),
      ffnNumHiddens: checkCount(op, 'ffnNumHiddens', options.ffnNumHiddens, 1),
      numHeads: checkCount(op, 'numHeads', options.numHeads, 1),
      numBlks: checkCount(op, 'numBlks', options.numBlks, 1),
      numDecoderBlks: checkCount(op, 'numDecoderBlks', options.numDecoderBlks ?? options.numBlks, 1),
      dropout: options.dropout ?? 0,
      maxLen: checkCount(op, 'maxLen', options.maxLen ?? 1000, 1),
      norm: checkChoice(op, 'norm', options.norm ?? 'post', ['pre', 'post']),
      tieWeights: options.tieWeights ?? false,
      shareEmbeddings: options.shareEmbeddings ?? false,
      dtype: checkChoice(op, 'dtype', options.dtype ?? 'float32', ['float32', 'float64']),
    };
    if (config.shareEmbeddings && config.srcVocabSize !== config.tgtVocabSize) {
      throw new InvalidArgumentError(
        `${op}: shareEmbeddings needs srcVocabSize === tgtVocabSize; got ${config.srcVocabSize} and ${config.tgtVocabSize}.`,
      );
    }
    this.#config = config;
    const common = {
      numHiddens: config.numHiddens,
      ffnNumHiddens: config.ffnNumHiddens,
      numHeads: config.numHeads,
      dropout: config.dropout,
      maxLen: config.maxLen,
      norm: config.norm,
      dtype: config.dtype,
      ...(options.rng === undefined ? {} : { rng: options.rng }),
    };
    // The decoder is built first so that a shared embedding is the decoder's (tied to its output).
    const decoder = new TransformerDecoder({
      ...common,
      vocabSize: config.tgtVocabSize,
      numBlks: config.numDecoderBlks,
      tieWeights: config.tieWeights,
    });
    const encoder = new TransformerEncoder({
      ...common,
      vocabSize: config.srcVocabSize,
      numBlks: config.numBlks,
      ...(config.shareEmbeddings ? { embedding: decoder.embedding } : {}),
    });
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
  }

  /**
   * Rebuilds a model from a {@link TransformerConfig} (e.g. a checkpoint's JSON); load the
   * weights with `loadStateDict` afterwards.
   * @throws {@link InvalidArgumentError} if `config` is not an object, has unknown keys or invalid values.
   */
  static fromConfig(config: Partial<TransformerConfig>, options: { rng?: Generator } = {}): Transformer {
    if (typeof config !== 'object' || config === null) {
      throw new InvalidArgumentError(
        `Transformer.fromConfig: config must be an object; got ${String(config)}.`,
      );
    }
    const unknown = Object.keys(config).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(
        `Transformer.fromConfig: config has unknown keys [${unknown.join(', ')}]; expected keys of [${CONFIG_KEYS.join(', ')}].`,
      );
    }
    return new Transformer({ ...(config as TransformerOptions), ...options });
  }

  /** The full configuration (a fresh, JSON-serialisable object). */
  get config(): TransformerConfig {
    return { ...this.#config };
  }

  /**
   * Teacher-forced forward (D2L `EncoderDecoder.forward`): encodes the source, then decodes the
   * whole (shifted) target at once with causal self-attention.
   *
   * Shapes: encX (batch, sourcePositions) int32, decX (batch, targetPositions) int32, encValidLens (batch)
   *   -> (batch, targetPositions, tgtVocabSize)
   *
   * @param encValidLens - Valid source positions per row (the rest is padding); omit for none.
   * @param options - `needWeights = false`: keep the attention weights (for plots); the default
   *   lets every attention run the fused kernel.
   * @throws {@link ShapeError} if the batch sizes of encX, decX and encValidLens disagree.
   */
  forward(
    encX: Tensor,
    decX: Tensor,
    encValidLens?: Tensor,
    options: { needWeights?: boolean } = {},
  ): Tensor {
    const op = 'Transformer.forward';
    checkTokens(op, encX, this.#config.srcVocabSize);
    checkTokens(op, decX, this.#config.tgtVocabSize);
    if (decX.shape[0] !== encX.shape[0]) {
      throw new ShapeError(
        `${op}: decX must have shape (${encX.shape[0]}, targetPositions) to match encX ${formatShape(encX.shape)}; got ${formatShape(decX.shape)}.`,
      );
    }
    const needWeights = options.needWeights ?? false;
    const encOutputs = this.encoder.forward(encX, encValidLens, { needWeights });
    const state = this.decoder.initState(encOutputs, encValidLens ?? null);
    return this.decoder.forward(decX, state, { needWeights })[0];
  }

  /**
   * Encodes a batch of sources and prepares the decoder caches (the encoder–decoder keys and
   * values of every block are projected here, once). Runs without autograd; put the model in eval
   * mode first (dropout).
   *
   * Shapes: src (batch, sourcePositions) int32, srcValidLens (batch) int32 -> state
   *
   * @throws {@link ShapeError} if srcValidLens is not `(batch)`.
   */
  startDecoding(src: Tensor, srcValidLens: Tensor): TransformerDecodingState {
    const op = 'Transformer.startDecoding';
    checkTokens(op, src, this.#config.srcVocabSize);
    if (srcValidLens.ndim !== 1 || srcValidLens.shape[0] !== src.shape[0]) {
      throw new ShapeError(
        `${op}: srcValidLens must have shape (${src.shape[0]}) to match src ${formatShape(src.shape)}; got ${formatShape(srcValidLens.shape)}.`,
      );
    }
    return noGrad(() => {
      const encOutputs = this.encoder.forward(src, srcValidLens, { needWeights: false });
      return {
        encOutputs,
        encValidLens: srcValidLens,
        caches: this.decoder.startCaches(encOutputs),
        rowsPerSource: 1,
      };
    });
  }

  /**
   * One decoding step: the next-token logits after `tokens` (the previous output of each row,
   * `<bos>` first), the state with this token cached, and the encoder–decoder attention of the
   * step. The given state is not modified (so a search may branch from it).
   *
   * Shapes: tokens (batch) int32 -> logits (batch, tgtVocabSize), crossAttention (blocks, batch, heads, sourcePositions)
   *
   * @throws {@link ShapeError} if tokens is not `(batch)` for the state's batch.
   * @throws {@link InvalidArgumentError} if a token id is out of range or the target exceeds maxLen.
   */
  decodeStep(tokens: Tensor, state: TransformerDecodingState): TransformerDecodeStep {
    const op = 'Transformer.decodeStep';
    const group = state.rowsPerSource;
    const batch = state.encOutputs.shape[0]! * group;
    if (tokens.ndim !== 1 || tokens.shape[0] !== batch) {
      throw new ShapeError(
        `${op}: tokens must have shape (${batch}) to match the state's batch (sources × rowsPerSource); got ${formatShape(tokens.shape)}.`,
      );
    }
    return noGrad(() => {
      // Fresh self-attention layers holding the same tensors: appending never touches `state`.
      const caches = state.caches.map((c) => ({ self: copyLayer(c.self), cross: c.cross }));
      const logits = this.decoder.step(
        reshape(tokens, [batch, 1]),
        caches,
        state.encOutputs,
        state.encValidLens,
        true,
      );
      const crossAttention = stack(
        this.decoder.blks.map((blk) => {
          // (sources, heads, rowsPerSource, sourcePositions): a source's rows were its queries.
          const w = blk.attention2.headWeights();
          const [heads, srcLen] = [w.shape[1]!, w.shape[3]!];
          return reshape(group === 1 ? w : permute(w, [0, 2, 1, 3]), [batch, heads, srcLen]);
        }),
        0,
      );
      return {
        logits: reshape(logits, [batch, this.#config.tgtVocabSize]),
        state: { ...state, caches },
        crossAttention,
      };
    });
  }

  /**
   * The rows `indices` of a state (beam search keeps and reorders hypotheses with it).
   *
   * Shapes: indices (n) int32 -> state of batch n
   *
   * @throws {@link ShapeError} if indices is not `(n)` int32.
   * @throws {@link InvalidArgumentError} if an index is outside [0, batch).
   * @remarks Only the self-attention caches are gathered row by row. The encoder outputs and the
   *   encoder–decoder keys and values stay one per source ({@link selectSourceRows}): beam
   *   search's expansion of each source to its beams and the reordering of beams within a source
   *   copy none of them, and a source that leaves the search costs one gather of the remaining
   *   sources' rows, not one per beam and step. Any other selection (rows of one source not
   *   consecutive, say) falls back to one copy per row, as correct, only slower.
   */
  selectState(state: TransformerDecodingState, indices: Tensor): TransformerDecodingState {
    const op = 'Transformer.selectState';
    const { rowsPerSource, sources } = selectSourceRows(
      op,
      indices,
      state.rowsPerSource,
      state.encOutputs.shape[0]!,
    );
    return noGrad(() => ({
      encOutputs: sources === null ? state.encOutputs : indexSelect(state.encOutputs, 0, sources),
      encValidLens: sources === null ? state.encValidLens : indexSelect(state.encValidLens, 0, sources),
      caches: state.caches.map(({ self, cross }) => ({
        self: selectLayer(self, indices),
        cross: sources === null ? cross : selectLayer(cross, sources),
      })),
      rowsPerSource,
    }));
  }
}

/** A new cache layer holding the same tensors as `layer`. */
function copyLayer(layer: KVCacheLayer): KVCacheLayer {
  const copy = new KVCacheLayer();
  if (layer.keys !== null && layer.values !== null) copy.append(layer.keys, layer.values);
  return copy;
}

/** A new cache layer with the batch rows `indices` of `layer`. */
function selectLayer(layer: KVCacheLayer, indices: Tensor): KVCacheLayer {
  const out = new KVCacheLayer();
  if (layer.keys !== null && layer.values !== null) {
    out.append(indexSelect(layer.keys, 0, indices), indexSelect(layer.values, 0, indices));
  }
  return out;
}
