import { Embedding, Module } from '@attnkit/layers';
import {
  checkOptions,
  formatShape,
  type Generator,
  InvalidArgumentError,
  ShapeError,
  type Tensor,
  transpose,
} from '@attnkit/tensor';
import { checkDType, checkInteger, checkProbability, rngOption, SEQ2SEQ_SCHEMA } from './internal/check.js';
import { D2LGRU, xavierGRUWeights } from './internal/d2l-gru.js';

/** Options of {@link Seq2SeqEncoder} (D2L `Seq2SeqEncoder(vocab_size, embed_size, num_hiddens, num_layers, dropout)`). */
export interface Seq2SeqEncoderOptions {
  /** Source vocabulary size. */
  vocabSize: number;
  /** Width of the token embeddings. */
  embedSize: number;
  /** Hidden units of every GRU layer. */
  numHiddens: number;
  /** GRU layers (default 1). */
  numLayers?: number;
  /** Dropout between GRU layers, in [0, 1] (default 0). */
  dropout?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * D2L's RNN encoder for sequence-to-sequence learning: token embeddings read by a multi-layer GRU.
 *
 * Shapes: X (batch, steps) int32 -> [outputs (steps, batch, numHiddens), state (numLayers, batch, numHiddens)]
 *
 * State keys as D2L's PyTorch module: `embedding.weight`, `rnn.rnn.weight_ih_l0`,
 * `rnn.rnn.weight_hh_l0`, `rnn.rnn.bias_ih_l0`, `rnn.rnn.bias_hh_l0`, … (`d2l.GRU` wraps `nn.GRU`
 * as `rnn`).
 *
 * @param options - `vocabSize`, `embedSize`, `numHiddens`, `numLayers = 1`, `dropout = 0`,
 *   `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if an option is unknown, a size is not an integer ≥ 1 or
 *   `dropout` is not in [0, 1].
 * @remarks Initialised as D2L's `init_seq2seq`: GRU weights from Xavier uniform, GRU biases from
 *   U(±1/√numHiddens), embeddings from N(0, 1).
 * @see D2L §10.7.2 "Encoder" (`Seq2SeqEncoder`), used by §10.4 "The Bahdanau Attention Mechanism".
 * @example
 * ```ts
 * const encoder = new Seq2SeqEncoder({ vocabSize: 10, embedSize: 8, numHiddens: 16, numLayers: 2 });
 * const [outputs, state] = encoder.forward(zeros([4, 9], { dtype: 'int32' }));
 * outputs.shape; // [9, 4, 16]
 * state.shape; // [2, 4, 16]
 * ```
 */
export class Seq2SeqEncoder extends Module {
  /** Token embeddings `(vocabSize, embedSize)`. */
  readonly embedding: Embedding;
  /** D2L's `d2l.GRU`; the `nn.GRU` itself is `rnn.rnn`. */
  readonly rnn: D2LGRU;
  /** Hidden units of every GRU layer. */
  readonly numHiddens: number;
  /** GRU layers. */
  readonly numLayers: number;

  readonly #config: Required<Omit<Seq2SeqEncoderOptions, 'rng'>>;

  constructor(options: Seq2SeqEncoderOptions) {
    super();
    const op = 'Seq2SeqEncoder';
    checkOptions(op, options, SEQ2SEQ_SCHEMA, { required: true });
    const vocabSize = checkInteger(op, 'vocabSize', options.vocabSize, 1);
    const embedSize = checkInteger(op, 'embedSize', options.embedSize, 1);
    this.numHiddens = checkInteger(op, 'numHiddens', options.numHiddens, 1);
    this.numLayers = checkInteger(op, 'numLayers', options.numLayers ?? 1, 1);
    const dropout = checkProbability(op, 'dropout', options.dropout ?? 0);
    const dtype = checkDType(op, options.dtype ?? 'float32');
    const rng = rngOption(options.rng);
    this.#config = {
      vocabSize,
      embedSize,
      numHiddens: this.numHiddens,
      numLayers: this.numLayers,
      dropout,
      dtype,
    };
    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: vocabSize, embeddingDim: embedSize, dtype, ...rng }),
    );
    this.rnn = this.registerModule(
      'rnn',
      new D2LGRU({
        inputSize: embedSize,
        hiddenSize: this.numHiddens,
        numLayers: this.numLayers,
        dropout,
        dtype,
        ...rng,
      }),
    );
    xavierGRUWeights(this.rnn.rnn, options.rng);
  }

  /**
   * The sizes and options this module was built with (no `rng`), JSON-serialisable: `new Seq2SeqEncoder(config)`
   * rebuilds the architecture (a checkpoint stores it beside the state dict).
   */
  get config(): Required<Omit<Seq2SeqEncoderOptions, 'rng'>> {
    return { ...this.#config };
  }

  /**
   * Encodes a batch of token sequences.
   *
   * Shapes: X (batch, steps) int32 -> [outputs (steps, batch, numHiddens), state (numLayers, batch, numHiddens)]
   *
   * @param X - Source tokens `(batch, steps)`, int32 in [0, vocabSize).
   * @param _encValidLens - Ignored (D2L's `*args`): the GRU reads padding too, as in D2L; the
   *   decoder's attention masks it.
   * @returns `[outputs, state]`: the last layer's hidden state at every step (time-major, as D2L)
   *   and every layer's final state.
   * @throws {@link ShapeError} if `X` is not 2-D or has no steps.
   * @throws {@link InvalidArgumentError} if `X` is not int32 or holds a token outside the vocabulary.
   */
  forward(X: Tensor, _encValidLens?: Tensor): [Tensor, Tensor] {
    if (X.ndim !== 2 || X.shape[1] === 0) {
      throw new ShapeError(
        `Seq2SeqEncoder: X must have shape (batch, steps ≥ 1); got ${formatShape(X.shape)}.`,
      );
    }
    if (X.dtype !== 'int32') {
      throw new InvalidArgumentError(`Seq2SeqEncoder: X must have dtype int32; got ${X.dtype}.`);
    }
    const embs = this.embedding.forward(transpose(X, 0, 1)); // (steps, batch, embedSize)
    return this.rnn.forward(embs);
  }
}
