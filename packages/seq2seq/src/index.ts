// @attnkit/seq2seq — the package's table of contents: named re-exports only.
export type { BeamSearchOptions } from './beam-search.js';
export { beamSearch } from './beam-search.js';
export type { DecodingModel, Hypothesis, SearchOptions } from './decoding-model.js';
export type { Seq2SeqDecoderLike, Seq2SeqEncoderLike } from './encoder-decoder.js';
export { EncoderDecoder } from './encoder-decoder.js';
export { greedySearch } from './greedy-search.js';
export type {
  Seq2SeqAttentionDecoderOptions,
  Seq2SeqAttentionDecoderState,
} from './seq2seq-attention-decoder.js';
export { Seq2SeqAttentionDecoder } from './seq2seq-attention-decoder.js';
export type { Seq2SeqEncoderOptions } from './seq2seq-encoder.js';
export { Seq2SeqEncoder } from './seq2seq-encoder.js';
export { sequenceLoss } from './sequence-loss.js';
