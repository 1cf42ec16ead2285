// @attnkit/testing — the package's table of contents: named re-exports only.
export type { AttentionInputs, AttentionInputsConstraints } from './attention-inputs.js';
export { attentionInputs } from './attention-inputs.js';
export type { BooleanMasksConstraints } from './boolean-masks.js';
export { booleanMasks } from './boolean-masks.js';
export type { BroadcastableShapesConstraints } from './broadcastable-shapes.js';
export { broadcastableShapes } from './broadcastable-shapes.js';
export type { CheckGradientsOptions } from './check-gradients.js';
export { checkGradients } from './check-gradients.js';
export type { CheckParameterGradientsOptions, ParameterOwner } from './check-parameter-gradients.js';
export { checkParameterGradients } from './check-parameter-gradients.js';
export type { CloseValue, ExpectCloseOptions } from './expect-close.js';
export { expectClose } from './expect-close.js';
export type { ErrorClass } from './expect-throws.js';
export { expectThrows } from './expect-throws.js';
export type {
  AttentionImpl,
  CausalNoLeakCase,
  CausalNoLeakConstraints,
  IncrementalImpl,
  KVCacheEquivalenceCase,
  KVCacheEquivalenceConstraints,
  MaskCorrectnessConstraints,
  PermutationInvarianceCase,
  PermutationInvarianceConstraints,
  RelativePositionByRotationConstraints,
  RopeRelativityConstraints,
  SoftmaxRowsSumToOneConstraints,
} from './properties/index.js';
export {
  causalNoLeak,
  kvCacheEquivalence,
  maskCorrectness,
  permutationInvariance,
  relativePositionByRotation,
  ropeRelativity,
  softmaxRowsSumToOne,
} from './properties/index.js';
export type { ShapesConstraints } from './shapes.js';
export { shapes } from './shapes.js';
export type { TensorsConstraints } from './tensors.js';
export { tensors } from './tensors.js';
export type { ValidLensConstraints } from './valid-lens.js';
export { validLens } from './valid-lens.js';
