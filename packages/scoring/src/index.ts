// @attnkit/scoring — the package's table of contents: named re-exports only.
export type { AdditiveAttentionOptions } from './additive-attention.js';
export { AdditiveAttention } from './additive-attention.js';
export type { AttentionResult } from './attention-result.js';
export type { DotProductAttentionOptions } from './dot-product-attention.js';
export { DotProductAttention } from './dot-product-attention.js';
export { type FlashAttentionOptions, flashAttention } from './flash-attention.js';
export type {
  NadarayaWatsonKernel,
  NadarayaWatsonKernelName,
  NadarayaWatsonOptions,
} from './nadaraya-watson.js';
export { nadarayaWatson } from './nadaraya-watson.js';
export type { NWKernelRegressionOptions } from './nw-kernel-regression.js';
export { NWKernelRegression } from './nw-kernel-regression.js';
export type { ScaledDotProductAttentionOptions } from './scaled-dot-product-attention.js';
export { scaledDotProductAttention } from './scaled-dot-product-attention.js';
