// @attnkit/multihead — the package's table of contents: named re-exports only.
export type { KVCacheOptions } from './kv-cache.js';
export { KVCache, KVCacheLayer } from './kv-cache.js';
export type {
  MultiHeadAttentionForwardOptions,
  MultiHeadAttentionOptions,
  MultiHeadRotaryOptions,
  PositionalKind,
} from './multi-head-attention.js';
export { MultiHeadAttention } from './multi-head-attention.js';
export { type SourceRowsSelection, selectSourceRows } from './select-source-rows.js';
export { transposeOutput } from './transpose-output.js';
export { transposeQKV } from './transpose-qkv.js';
