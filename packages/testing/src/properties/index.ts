/**
 * Reusable invariant properties.
 *
 * Each export here is a function that takes an implementation (yours, attnkit's, a reference) and
 * optional constraints, and returns a fast-check property, so one law can be checked against every
 * implementation of it:
 *
 * ```ts
 * fc.assert(softmaxRowsSumToOne((x) => softmax(x)));
 * fc.assert(softmaxRowsSumToOne(myWebGpuSoftmax, { maxSide: 4, dtype: 'float64' }));
 * ```
 *
 * Conventions for adding one (e.g. `maskCorrectness(impl)`, `permutationEquivariance(impl)`):
 * - one property per file, named for the law it states (`softmax-rows-sum-to-one.ts`), with a
 *   `…Constraints` type that extends the generator constraints it forwards and adds its tolerances;
 * - inputs come from this package's arbitraries (`tensors`, `validLens`, `attentionInputs`), so
 *   counterexamples are small and shrink;
 * - the predicate throws an `Error` whose message states the law and where it broke (index, value),
 *   and never calls the implementation with arguments the law does not quantify over;
 * - return `fc.IProperty` (synchronous), leaving `numRuns`, `seed` and reporting to the caller;
 * - test it both ways: it holds for a correct implementation and fails for a plausibly broken one.
 *
 * @module
 */
export type { AttentionImpl } from './attention-impl.js';
export type { CausalNoLeakCase, CausalNoLeakConstraints } from './causal-no-leak.js';
export { causalNoLeak } from './causal-no-leak.js';
export type {
  IncrementalImpl,
  KVCacheEquivalenceCase,
  KVCacheEquivalenceConstraints,
} from './kv-cache-equivalence.js';
export { kvCacheEquivalence } from './kv-cache-equivalence.js';
export type { MaskCorrectnessConstraints } from './mask-correctness.js';
export { maskCorrectness } from './mask-correctness.js';
export type {
  PermutationInvarianceCase,
  PermutationInvarianceConstraints,
} from './permutation-invariance.js';
export { permutationInvariance } from './permutation-invariance.js';
export type { RelativePositionByRotationConstraints } from './relative-position-by-rotation.js';
export { relativePositionByRotation } from './relative-position-by-rotation.js';
export type { RopeRelativityConstraints } from './rope-relativity.js';
export { ropeRelativity } from './rope-relativity.js';
export type { SoftmaxRowsSumToOneConstraints } from './softmax-rows-sum-to-one.js';
export { softmaxRowsSumToOne } from './softmax-rows-sum-to-one.js';
