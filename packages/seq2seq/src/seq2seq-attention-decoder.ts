import { Embedding, GRU, Linear, Module } from '@attnkit/layers';
import { maskedSoftmax } from '@attnkit/masking';
import { selectSourceRows } from '@attnkit/multihead';
import { AdditiveAttention } from '@attnkit/scoring';
import {
  additiveScores,
  checkOptions,
  concat,
  formatShape,
  type Generator,
  InvalidArgumentError,
  indexSelect,
  matmul,
  narrow,
  permute,
  reshape,
  ShapeError,
  type Tensor,
} from '@attnkit/tensor';
import { checkDType, checkInteger, checkProbability, rngOption, SEQ2SEQ_SCHEMA } from './internal/check.js';
import { xavierGRUWeights } from './internal/d2l-gru.js';

/** Options of {@link Seq2SeqAttentionDecoder} (D2L `Seq2SeqAttentionDecoder(vocab_size, embed_size, num_hiddens, num_layers, dropout)`). */
export interface Seq2SeqAttentionDecoderOptions {
  /** Target vocabulary size (the logits' last axis). */
  vocabSize: number;
  /** Width of the token embeddings. */
  embedSize: number;
  /** Hidden units of every GRU layer, of the encoder outputs and of the attention's hidden layer. */
  numHiddens: number;
  /** GRU layers (default 1); must equal the encoder's. */
  numLayers?: number;
  /** Dropout on the attention weights and between GRU layers, in [0, 1] (default 0). */
  dropout?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * The decoder state, D2L's `[enc_outputs, hidden_state, enc_valid_lens]` plus the encoder outputs
 * projected by the attention's `W_k` (computed once per source, not once per step) and the number
 * of decoder rows per source: the `batch = sources · rowsPerSource` rows of the decoder, the
 * `rowsPerSource` consecutive rows from `s · rowsPerSource` decoding source s (beam search's
 * beams), share that source's `encOutputs`, `encValidLens` and `keys` rows.
 *
 * Shapes: encOutputs (sources, srcLen, numHiddens), hiddenState (numLayers, batch, numHiddens),
 * encValidLens (sources) int32 | undefined, keys (sources, srcLen, numHiddens); rowsPerSource 1
 * after `initState` (batch = sources)
 */
export type Seq2SeqAttentionDecoderState = readonly [
  encOutputs: Tensor,
  hiddenState: Tensor,
  encValidLens: Tensor | undefined,
  keys: Tensor,
  rowsPerSource: number,
];

/**
 * D2L's RNN decoder with Bahdanau attention: at every step the last GRU layer's hidden state
 * queries the encoder outputs through additive attention (masked by `encValidLens`), the context
 * is concatenated with the token embedding as the GRU input, and a dense layer gives the logits.
 *
 * Shapes: X (batch, steps) int32, state from {@link Seq2SeqAttentionDecoder.initState} ->
 * [logits (batch, steps, vocabSize), state]; attentionWeights: steps × (batch, 1, srcLen)
 *
 * State keys in D2L's order: `attention.W_k.weight`, `attention.W_q.weight`, `attention.w_v.weight`,
 * `embedding.weight`, `rnn.weight_ih_l0` (3·numHiddens, embedSize + numHiddens), `rnn.weight_hh_l0`,
 * `rnn.bias_ih_l0`, `rnn.bias_hh_l0`, …, `dense.weight`, `dense.bias`.
 *
 * @param options - `vocabSize`, `embedSize`, `numHiddens`, `numLayers = 1`, `dropout = 0`,
 *   `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if an option is unknown, a size is not an integer ≥ 1 or
 *   `dropout` is not in [0, 1].
 * @remarks The numbers are D2L's; two changes for speed: `W_k` of the attention is applied to the
 *   encoder outputs once in `initState` (D2L applies it at every step to the same keys), and the
 *   scores w_vᵀ tanh(W_q q + W_k k) are one fused op (`additiveScores` of @attnkit/tensor) instead of
 *   a broadcast add, a tanh and a product over (batch, 1, srcLen, numHiddens). GRU
 *   weights start from Xavier uniform (`init_seq2seq`); D2L's lazy `W_q`, `W_k`, `w_v` and `dense`
 *   keep PyTorch's default init, as there.
 * @see D2L §10.4 "The Bahdanau Attention Mechanism" (`Seq2SeqAttentionDecoder`); Bahdanau, Cho and
 *   Bengio 2015.
 * @example
 * ```ts
 * const encoder = new Seq2SeqEncoder({ vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2 });
 * const decoder = new Seq2SeqAttentionDecoder({ vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2 });
 * const X = zeros([4, 7], { dtype: 'int32' });
 * const state = decoder.initState(encoder.forward(X), undefined);
 * const [logits] = decoder.forward(X, state);
 * logits.shape; // [4, 7, 10]
 * decoder.attentionWeights.length; // 7, each (4, 1, 7)
 * ```
 */
export class Seq2SeqAttentionDecoder extends Module {
  /** Additive attention over the encoder outputs (D2L `AdditiveAttention(num_hiddens, dropout)`). */
  readonly attention: AdditiveAttention;
  /** Token embeddings `(vocabSize, embedSize)`. */
  readonly embedding: Embedding;
  /** The GRU over [context; embedding]. */
  readonly rnn: GRU;
  /** Output layer numHiddens -> vocabSize. */
  readonly dense: Linear;
  /** Hidden units. */
  readonly numHiddens: number;
  /** GRU layers. */
  readonly numLayers: number;
  /** Target vocabulary size. */
  readonly vocabSize: number;
  #attentionWeights: Tensor[] = [];

  readonly #config: Required<Omit<Seq2SeqAttentionDecoderOptions, 'rng'>>;

  constructor(options: Seq2SeqAttentionDecoderOptions) {
    super();
    const op = 'Seq2SeqAttentionDecoder';
    checkOptions(op, options, SEQ2SEQ_SCHEMA, { required: true });
    this.vocabSize = checkInteger(op, 'vocabSize', options.vocabSize, 1);
    const embedSize = checkInteger(op, 'embedSize', options.embedSize, 1);
    const h = checkInteger(op, 'numHiddens', options.numHiddens, 1);
    this.numHiddens = h;
    this.numLayers = checkInteger(op, 'numLayers', options.numLayers ?? 1, 1);
    const dropout = checkProbability(op, 'dropout', options.dropout ?? 0);
    const dtype = checkDType(op, options.dtype ?? 'float32');
    const rng = rngOption(options.rng);
    this.#config = {
      vocabSize: this.vocabSize,
      embedSize,
      numHiddens: h,
      numLayers: this.numLayers,
      dropout,
      dtype,
    };
    this.attention = this.registerModule(
      'attention',
      new AdditiveAttention({ numHiddens: h, dropout, keySize: h, querySize: h, dtype, ...rng }),
    );
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: this.vocabSize, embeddingDim: embedSize, dtype, ...rng }),
    );
    this.rnn = this.registerModule(
      'rnn',
      new GRU({ inputSize: embedSize + h, hiddenSize: h, numLayers: this.numLayers, dropout, dtype, ...rng }),
    );
    this.dense = this.registerModule(
      'dense',
      new Linear({ inFeatures: h, outFeatures: this.vocabSize, dtype, ...rng }),
    );
    xavierGRUWeights(this.rnn, options.rng);
  }

  /**
   * The sizes and options this module was built with (no `rng`), JSON-serialisable: `new Seq2SeqAttentionDecoder(config)`
   * rebuilds the architecture (a checkpoint stores it beside the state dict).
   */
  get config(): Required<Omit<Seq2SeqAttentionDecoderOptions, 'rng'>> {
    return { ...this.#config };
  }

  /**
   * The attention weights of every step of the last `forward` (before dropout), detached from the
   * graph so that keeping them does not keep the last batch's graph alive.
   *
   * Shapes: steps × (batch, 1, srcLen); each row sums to 1 over the valid source positions
   */
  get attentionWeights(): Tensor[] {
    return this.#attentionWeights.slice();
  }

  /**
   * The decoder state from the encoder's `[outputs, state]` (D2L `init_state`).
   *
   * Shapes: encOutputs [(srcLen, batch, numHiddens), (numLayers, batch, numHiddens)], encValidLens
   * (batch) -> [encOutputs (batch, srcLen, numHiddens), hiddenState, encValidLens, keys]
   *
   * @param encOutputs - What {@link Seq2SeqEncoder.forward} returned.
   * @param encValidLens - Valid source tokens per row `(batch)`, int32; omit for no mask.
   * @throws {@link ShapeError} if the shapes do not match `numHiddens`, `numLayers` or each other.
   */
  initState(encOutputs: readonly [Tensor, Tensor], encValidLens?: Tensor): Seq2SeqAttentionDecoderState {
    const op = 'Seq2SeqAttentionDecoder.initState';
    const [outputs, hidden] = encOutputs;
    const h = this.numHiddens;
    if (outputs.ndim !== 3 || outputs.shape[2] !== h) {
      throw new ShapeError(
        `${op}: encoder outputs must have shape (srcLen, batch, ${h}); got ${formatShape(outputs.shape)}.`,
      );
    }
    const batch = outputs.shape[1]!;
    if (
      hidden.ndim !== 3 ||
      hidden.shape[0] !== this.numLayers ||
      hidden.shape[1] !== batch ||
      hidden.shape[2] !== h
    ) {
      throw new ShapeError(
        `${op}: encoder state must have shape (${this.numLayers}, ${batch}, ${h}); got ${formatShape(hidden.shape)}.`,
      );
    }
    if (encValidLens !== undefined && (encValidLens.ndim !== 1 || encValidLens.shape[0] !== batch)) {
      throw new ShapeError(
        `${op}: encValidLens must have shape (${batch}); got ${formatShape(encValidLens.shape)}.`,
      );
    }
    const enc = permute(outputs, [1, 0, 2]).contiguous();
    return [enc, hidden, encValidLens, this.attention.W_k.forward(enc), 1];
  }

  /**
   * Decodes `steps` tokens with teacher forcing (D2L `forward`): one attention and one GRU step per token.
   *
   * Shapes: X (batch, steps) int32 -> [logits (batch, steps, vocabSize), state]
   *
   * @param X - Decoder input tokens `(batch, steps)` (e.g. `<bos>` followed by the target shifted right).
   * @param state - From {@link Seq2SeqAttentionDecoder.initState} or a previous `forward`.
   * @returns `[logits, state]`: the state holds the GRU's hidden state after the last step, so
   *   feeding tokens one call at a time continues the same computation.
   * @throws {@link ShapeError} if `X` is not `(batch, steps ≥ 1)` for the state's batch.
   * @throws {@link InvalidArgumentError} if `X` is not int32 or holds a token outside the vocabulary.
   */
  forward(X: Tensor, state: Seq2SeqAttentionDecoderState): [Tensor, Seq2SeqAttentionDecoderState] {
    const op = 'Seq2SeqAttentionDecoder';
    const [enc, initial, validLens, keys, group] = state;
    const sources = enc.shape[0]!;
    const batch = sources * group;
    if (X.ndim !== 2 || X.shape[0] !== batch || X.shape[1] === 0) {
      throw new ShapeError(`${op}: X must have shape (${batch}, steps ≥ 1); got ${formatShape(X.shape)}.`);
    }
    if (X.dtype !== 'int32')
      throw new InvalidArgumentError(`${op}: X must have dtype int32; got ${X.dtype}.`);
    const steps = X.shape[1]!;
    const h = this.numHiddens;
    const L = this.numLayers;
    let hidden = initial;
    const outputs: Tensor[] = [];
    const wv = reshape(this.attention.w_v.weight, [h]); // (1, h) -> (h)
    this.#attentionWeights = [];
    for (let t = 0; t < steps; t++) {
      const x = this.embedding.forward(narrow(X, 1, t, 1)); // (batch, 1, embedSize)
      // The last layer's state; the rows of one source are that source's queries, (sources, group, h).
      const query = reshape(narrow(hidden, 0, L - 1, 1), [sources, group, h]);
      // Additive attention (D2L AdditiveAttention.forward with W_k(keys) precomputed):
      // w_vᵀ tanh(W_q q + W_k k) as one fused op, masked softmax, weighted sum.
      const scores = additiveScores(this.attention.W_q.forward(query), keys, wv); // (sources, group, srcLen)
      const weights = maskedSoftmax(scores, validLens);
      const context = matmul(this.attention.dropout.forward(weights), enc); // (sources, group, h)
      const input = reshape(concat([reshape(context, [batch, 1, h]), x], -1), [1, batch, h + x.shape[2]!]);
      const [out, next] = this.rnn.forward(input, hidden); // out (1, batch, h)
      outputs.push(out);
      hidden = next;
      // Kept for inspection, one row per decoder row; no graph held between calls.
      this.#attentionWeights.push(reshape(weights, [batch, 1, scores.shape[2]!]).detach());
    }
    const logits = this.dense.forward(concat(outputs, 0)); // (steps, batch, vocab)
    return [permute(logits, [1, 0, 2]), [enc, hidden, validLens, keys, group]];
  }

  /**
   * Rows of a state picked by batch index (beam search reorders and repeats rows with it).
   *
   * Shapes: state of batch b, indices (n) int32 -> state of batch n
   *
   * @throws {@link ShapeError} if indices is not `(n)` int32.
   * @throws {@link InvalidArgumentError} if an index is outside [0, batch).
   * @remarks Only the hidden state is gathered row by row; `encOutputs`, `encValidLens` and `keys`
   *   stay one per source (`selectSourceRows` of @attnkit/multihead), so beam search's expansion
   *   to beams and reordering within a source copy none of them, and a source leaving the search
   *   costs one gather per remaining source. Other selections fall back to one copy per row.
   */
  selectState(state: Seq2SeqAttentionDecoderState, indices: Tensor): Seq2SeqAttentionDecoderState {
    const [enc, hidden, validLens, keys, group] = state;
    const op = 'Seq2SeqAttentionDecoder.selectState';
    const { rowsPerSource, sources } = selectSourceRows(op, indices, group, enc.shape[0]!);
    const pick = (t: Tensor): Tensor => (sources === null ? t : indexSelect(t, 0, sources));
    return [
      pick(enc),
      indexSelect(hidden, 1, indices),
      validLens === undefined ? undefined : pick(validLens),
      pick(keys),
      rowsPerSource,
    ];
  }

  /**
   * Cross-attention weights of the last step of the last `forward`, in the layout of
   * {@link DecodingModel.decodeStep}.
   *
   * Shapes: -> (layers = 1, batch, heads = 1, srcLen)
   *
   * @throws {@link InvalidArgumentError} before the first `forward`.
   */
  lastCrossAttention(): Tensor {
    const last = this.#attentionWeights[this.#attentionWeights.length - 1];
    if (last === undefined) {
      throw new InvalidArgumentError('Seq2SeqAttentionDecoder.lastCrossAttention: call forward first.');
    }
    const [batch, , srcLen] = last.shape as [number, number, number];
    return reshape(last, [1, batch, 1, srcLen]);
  }
}
