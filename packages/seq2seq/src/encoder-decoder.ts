import { Module } from '@attnkit/layers';
import { formatShape, reshape, ShapeError, type Tensor, unsqueeze } from '@attnkit/tensor';
import type { DecodingModel } from './decoding-model.js';

/**
 * An encoder for {@link EncoderDecoder} (D2L §10.6 `Encoder`), e.g. {@link Seq2SeqEncoder}.
 *
 * Shapes: encX (batch, srcLen) int32, encValidLens (batch) -> E (what the decoder's `initState` reads)
 */
export interface Seq2SeqEncoderLike<E> extends Module {
  /** Encodes the source tokens `(batch, srcLen)`; `encValidLens` `(batch)` may be ignored. */
  forward(encX: Tensor, encValidLens?: Tensor): E;
}

/**
 * A decoder for {@link EncoderDecoder} (D2L §10.6 `Decoder` plus what decoding needs), e.g.
 * {@link Seq2SeqAttentionDecoder}:
 * `initState`, teacher-forced `forward`, `selectState` for beam search and the cross-attention of
 * the last step.
 */
export interface Seq2SeqDecoderLike<E, S> extends Module {
  /** The decoder state from the encoder's outputs (D2L `init_state`). */
  initState(encOutputs: E, encValidLens?: Tensor): S;
  /** Teacher-forced decoding: decX `(batch, steps)` int32 -> [logits `(batch, steps, vocab)`, next state]. */
  forward(decX: Tensor, state: S): [Tensor, S];
  /** The state's rows at `indices` `(n)` int32 (beam search). */
  selectState(state: S, indices: Tensor): S;
  /** Cross-attention of the last step of the last `forward`, `(layers, batch, heads, srcLen)`. */
  lastCrossAttention(): Tensor;
}

/**
 * D2L's encoder–decoder architecture: the encoder reads the source, the decoder's state is
 * initialised from its outputs and the decoder maps the (teacher-forced) target inputs to logits.
 * Also a {@link DecodingModel}, so {@link greedySearch} and {@link beamSearch} decode it.
 *
 * Shapes: encX (batch, srcLen) int32, decX (batch, steps) int32, encValidLens (batch) ->
 * [logits (batch, steps, vocab), state]
 *
 * State keys: `encoder.…` then `decoder.…` (D2L's `self.encoder`, `self.decoder`).
 *
 * @param encoder - E.g. a {@link Seq2SeqEncoder}.
 * @param decoder - E.g. a {@link Seq2SeqAttentionDecoder}.
 * @see D2L §10.6 "The Encoder–Decoder Architecture" (`EncoderDecoder`), §10.4 (Bahdanau).
 * @example
 * ```ts
 * const sizes = { embedSize: 8, numHiddens: 16, numLayers: 2 };
 * const model = new EncoderDecoder(
 *   new Seq2SeqEncoder({ vocabSize: 10, ...sizes }),
 *   new Seq2SeqAttentionDecoder({ vocabSize: 12, ...sizes }),
 * );
 * const [logits] = model.forward(zeros([4, 9], { dtype: 'int32' }), zeros([4, 7], { dtype: 'int32' }));
 * logits.shape; // [4, 7, 12]
 * ```
 */
export class EncoderDecoder<E, S> extends Module implements DecodingModel<S> {
  /** The encoder. */
  readonly encoder: Seq2SeqEncoderLike<E>;
  /** The decoder. */
  readonly decoder: Seq2SeqDecoderLike<E, S>;

  constructor(encoder: Seq2SeqEncoderLike<E>, decoder: Seq2SeqDecoderLike<E, S>) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.decoder = this.registerModule('decoder', decoder);
  }

  /**
   * Encodes `encX`, initialises the decoder state and decodes `decX` with teacher forcing (D2L `forward`).
   *
   * Shapes: encX (batch, srcLen) int32, decX (batch, steps) int32, encValidLens (batch) -> [logits (batch, steps, vocab), state]
   *
   * @param encX - Source tokens.
   * @param decX - Decoder inputs (`<bos>` then the target without its last token).
   * @param encValidLens - Valid source tokens per row, int32; omit for none padded.
   * @returns `[logits, state]` as D2L's decoder returns them.
   * @throws {@link ShapeError} (from the encoder or decoder) if the shapes do not fit.
   */
  forward(encX: Tensor, decX: Tensor, encValidLens?: Tensor): [Tensor, S] {
    const encOutputs = this.encoder.forward(encX, encValidLens);
    const state = this.decoder.initState(encOutputs, encValidLens);
    return this.decoder.forward(decX, state);
  }

  /** {@link DecodingModel.startDecoding}: encodes the source and returns the decoder's initial state. */
  startDecoding(src: Tensor, srcValidLens: Tensor): S {
    return this.decoder.initState(this.encoder.forward(src, srcValidLens), srcValidLens);
  }

  /**
   * {@link DecodingModel.decodeStep}: one decoder step from the previous tokens.
   *
   * Shapes: tokens (batch) int32 -> logits (batch, vocab), crossAttention (layers, batch, heads, srcLen)
   *
   * @throws {@link ShapeError} if `tokens` is not 1-D.
   */
  decodeStep(tokens: Tensor, state: S): { logits: Tensor; state: S; crossAttention: Tensor } {
    if (tokens.ndim !== 1) {
      throw new ShapeError(
        `EncoderDecoder.decodeStep: tokens must have shape (batch); got ${formatShape(tokens.shape)}.`,
      );
    }
    const [logits, next] = this.decoder.forward(unsqueeze(tokens, 1), state);
    return {
      logits: reshape(logits, [tokens.shape[0]!, logits.shape[2]!]),
      state: next,
      crossAttention: this.decoder.lastCrossAttention(),
    };
  }

  /** {@link DecodingModel.selectState}: the decoder's state rows at `indices` `(n)` int32. */
  selectState(state: S, indices: Tensor): S {
    return this.decoder.selectState(state, indices);
  }
}
