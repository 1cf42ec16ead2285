// @attnkit/masking — the package's table of contents: named re-exports only.
// Boolean masks follow one convention everywhere: true = may attend (PyTorch sdpa).
export type { FromAdditiveMaskOptions } from './additive-mask.js';
export { fromAdditiveMask, toAdditiveMask } from './additive-mask.js';
export type { CausalAlignment, CausalMaskOptions } from './causal-mask.js';
export { causalMask } from './causal-mask.js';
export { combineMasks } from './combine-masks.js';
export type { ValidLens } from './internal/valid-lens.js';
export { invertMask } from './invert-mask.js';
export { fromKeyPaddingMask, toKeyPaddingMask } from './key-padding-mask.js';
export type { BlockMask, KeepMask, MaskLike, UnbrandedTensor } from './mask-types.js';
export { blockMask, keepMask } from './mask-types.js';
export type { MaskedSoftmaxOptions } from './masked-softmax.js';
export { maskedSoftmax } from './masked-softmax.js';
export { paddingMask } from './padding-mask.js';
export { sequenceMask } from './sequence-mask.js';
