// @attnkit/positional — the package's table of contents: named re-exports only.
export type { AlibiBiasOptions } from './alibi-bias.js';
export { alibiBias } from './alibi-bias.js';
export type { AlibiSlopesOptions } from './alibi-slopes.js';
export { alibiSlopes } from './alibi-slopes.js';
export type { ApplyRotaryEmbeddingOptions } from './apply-rotary-embedding.js';
export { applyRotaryEmbedding } from './apply-rotary-embedding.js';
export type { LearnedPositionalEncodingOptions } from './learned-positional-encoding.js';
export { LearnedPositionalEncoding } from './learned-positional-encoding.js';
export type { PermuteRotaryWeightsOptions, RotaryLayout } from './permute-rotary-weights.js';
export { permuteRotaryWeights } from './permute-rotary-weights.js';
export type { PositionalEncodingOptions, PositionOffsetOptions } from './positional-encoding.js';
export { PositionalEncoding } from './positional-encoding.js';
export { relativeAttentionOutput } from './relative-attention-output.js';
export { relativeAttentionScores } from './relative-attention-scores.js';
export type {
  RelativePositionEmbeddingForwardOptions,
  RelativePositionEmbeddingOptions,
} from './relative-position-embedding.js';
export { RelativePositionEmbedding } from './relative-position-embedding.js';
export type { RelativeRotationOptions } from './relative-rotation.js';
export { relativeRotation } from './relative-rotation.js';
export type { RotaryTables, RotaryTablesOptions } from './rotary-tables.js';
export { rotaryTables } from './rotary-tables.js';
export type { SinusoidalEncodingOptions } from './sinusoidal-encoding.js';
export { sinusoidalEncoding } from './sinusoidal-encoding.js';
