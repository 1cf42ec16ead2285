// @attnkit/layers — the package's table of contents: named re-exports only.
export type { DropoutLayerOptions, DropoutOptions } from './dropout.js';
export { Dropout, dropout } from './dropout.js';
export type { EmbeddingOptions } from './embedding.js';
export { Embedding } from './embedding.js';
export type { GELUOptions } from './gelu.js';
export { GELU } from './gelu.js';
export type { GRUOptions } from './gru.js';
export { GRU } from './gru.js';
export type { GRUCellOptions } from './gru-cell.js';
export { GRUCell } from './gru-cell.js';
export type { LayerNormOptions } from './layer-norm.js';
export { LayerNorm } from './layer-norm.js';
export type { LinearForwardOptions, LinearOptions } from './linear.js';
export { Linear } from './linear.js';
export type {
  LazyShape,
  LoadStateDictOptions,
  LoadStateDictResult,
  RegisterBufferOptions,
  StateValue,
} from './module.js';
export { Module } from './module.js';
export { Parameter } from './parameter.js';
export { ReLU } from './relu.js';
export type { TensorModule } from './sequential.js';
export { Sequential } from './sequential.js';
