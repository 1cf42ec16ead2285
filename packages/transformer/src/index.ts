// @attnkit/transformer — the package's table of contents: named re-exports only.
export type { AddNormOptions } from './add-norm.js';
export { AddNorm } from './add-norm.js';
export type { PositionWiseFFNOptions } from './position-wise-ffn.js';
export { PositionWiseFFN } from './position-wise-ffn.js';
export type {
  TransformerConfig,
  TransformerDecodeStep,
  TransformerDecodingState,
  TransformerOptions,
} from './transformer.js';
export { Transformer } from './transformer.js';
export type { TransformerDecoderOptions } from './transformer-decoder.js';
export { TransformerDecoder } from './transformer-decoder.js';
export type {
  TransformerDecoderBlockCache,
  TransformerDecoderBlockOptions,
  TransformerDecoderForwardOptions,
  TransformerDecoderState,
} from './transformer-decoder-block.js';
export { TransformerDecoderBlock } from './transformer-decoder-block.js';
export type { TransformerEncoderOptions } from './transformer-encoder.js';
export { TransformerEncoder } from './transformer-encoder.js';
export type {
  TransformerEncoderBlockOptions,
  TransformerEncoderForwardOptions,
} from './transformer-encoder-block.js';
export { TransformerEncoderBlock } from './transformer-encoder-block.js';
export type {
  GenerateOptions,
  LMPositional,
  TransformerLMConfig,
  TransformerLMForwardOptions,
  TransformerLMOptions,
} from './transformer-lm.js';
export { TransformerLM } from './transformer-lm.js';
export type { TransformerLMBlockForwardOptions, TransformerLMBlockOptions } from './transformer-lm-block.js';
export { TransformerLMBlock } from './transformer-lm-block.js';
