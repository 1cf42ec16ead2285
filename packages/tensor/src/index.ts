// @attnkit/tensor — the package's table of contents: named re-exports only.
export type { BackwardOptions } from './autograd/backward.js';
export { isGradEnabled, noGrad, withGradEnabled } from './autograd/grad-mode.js';
export type { GradNode } from './autograd/node.js';
// ---- s6-train: gradient buffers reused across steps ----
export { type ZeroGradsOptions, zeroGrads } from './autograd/zero-grads.js';
export type { DType, DTypeArrayMap, TypedArray } from './dtype.js';
export { isFloating, promoteTypes } from './dtype.js';
export { formatShape, GradientError, InvalidArgumentError, NonFiniteError, ShapeError } from './errors.js';
// s6-bundle: PyTorch-style printing; loading it installs Tensor.toString's formatter.
export { formatTensor } from './format-tensor.js';
export type {
  AttentionRows,
  Backend,
  FlashAttentionShape,
  MatrixBatchView,
  MatrixOut,
  MatrixView,
} from './kernels/backend.js';
export { jsBackend } from './kernels/js-backend.js';
export { type BackendName, getBackend, setBackend } from './kernels/set-backend.js';
export type { StridedView } from './kernels/types.js';
export { wasmBackend } from './kernels/wasm-backend.js';
// ---- s5-arena: step-scoped buffer pool ----
export { BufferPool, type BufferPoolStats, ReleasedTensorError } from './memory/scope.js';
export {
  defaultBufferPool,
  isReleased,
  keep,
  type WithArenaOptions,
  withArena,
} from './memory/with-arena.js';
export type { NdArray } from './ndarray.js';
export { createView, isNdarray } from './ndarray.js';
export { abs } from './ops/abs.js';
export { add } from './ops/add.js';
export { additiveScores } from './ops/additive-scores.js';
export { arange } from './ops/arange.js';
export type { ArgReduceOptions } from './ops/argmax.js';
export { argmax } from './ops/argmax.js';
export { argmin } from './ops/argmin.js';
export { bernoulli } from './ops/bernoulli.js';
export { broadcastTo, expand } from './ops/broadcast-to.js';
export { cast } from './ops/cast.js';
export { chunk } from './ops/chunk.js';
export { clamp } from './ops/clamp.js';
export { eq, ge, gt, le, lt, ne } from './ops/compare.js';
export { concat } from './ops/concat.js';
export { cos } from './ops/cos.js';
export type { CreationOptions, TensorLike, TensorOptions } from './ops/creation.js';
export {
  checkStorable,
  fromNdarray,
  full,
  fullLike,
  ones,
  onesLike,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from './ops/creation.js';
export { div } from './ops/div.js';
export { embedding } from './ops/embedding.js';
export { exp } from './ops/exp.js';
export { eye } from './ops/eye.js';
export { flatten } from './ops/flatten.js';
export { type FusedAttentionOptions, fusedAttention } from './ops/fused-attention.js';
export { gather } from './ops/gather.js';
export { type GeluOptions, gelu } from './ops/gelu.js';
export { gruRecurrence } from './ops/gru-recurrence.js';
export { indexSelect } from './ops/index-select.js';
export { layerNorm } from './ops/layer-norm.js';
export { type LinearOptions, linear } from './ops/linear.js';
export { linspace } from './ops/linspace.js';
export { log } from './ops/log.js';
export { logSoftmax } from './ops/log-softmax.js';
export { logicalAnd, logicalNot, logicalOr } from './ops/logical.js';
export { logsumexp } from './ops/logsumexp.js';
export { maskedFill } from './ops/masked-fill.js';
export { maskedScatter } from './ops/masked-scatter.js';
export { maskedSelect } from './ops/masked-select.js';
export { matmul } from './ops/matmul.js';
export { max } from './ops/max.js';
export { maximum } from './ops/maximum.js';
export { mean } from './ops/mean.js';
export { min } from './ops/min.js';
export { minimum } from './ops/minimum.js';
export { mul } from './ops/mul.js';
export { narrow } from './ops/narrow.js';
export { neg } from './ops/neg.js';
export { normal } from './ops/normal.js';
export { type OneHotOptions, oneHot } from './ops/one-hot.js';
export { permute } from './ops/permute.js';
export { pow } from './ops/pow.js';
export { prod } from './ops/prod.js';
export { type RandomOptions, rand } from './ops/rand.js';
export { randint } from './ops/randint.js';
export { randn } from './ops/randn.js';
export { randperm } from './ops/randperm.js';
export { relu } from './ops/relu.js';
export { repeat } from './ops/repeat.js';
export { repeatInterleave } from './ops/repeat-interleave.js';
export { reshape } from './ops/reshape.js';
export { type RotaryOptions, rotary } from './ops/rotary.js';
export { rsqrt } from './ops/rsqrt.js';
export { sigmoid } from './ops/sigmoid.js';
export { sin } from './ops/sin.js';
export { slice } from './ops/slice.js';
export { softmax } from './ops/softmax.js';
export {
  type SoftmaxCrossEntropyOptions,
  softmaxCrossEntropy,
  softmaxCrossEntropyOp,
} from './ops/softmax-cross-entropy.js';
export { split } from './ops/split.js';
export { sqrt } from './ops/sqrt.js';
export { square } from './ops/square.js';
export { squeeze } from './ops/squeeze.js';
export { stack } from './ops/stack.js';
export { sub } from './ops/sub.js';
export type { ReduceOptions } from './ops/sum.js';
export { sum } from './ops/sum.js';
export { tanh } from './ops/tanh.js';
export { tile } from './ops/tile.js';
export { transpose } from './ops/transpose.js';
export { uniform } from './ops/uniform.js';
export { unsqueeze } from './ops/unsqueeze.js';
export { where } from './ops/where.js';
export { defaultGenerator, Generator, type GeneratorState, manualSeed } from './random/generator.js';
export { broadcastShapes } from './shape.js';
export type { NestedArray } from './tensor.js';
export { Tensor } from './tensor.js';
export { getNumThreads, setNumThreads, threadsUnavailableReason } from './threads/pool.js';
export {
  checkAdditiveMask,
  checkLengthValues,
  checkValidLens,
  type LengthsLayout,
  lengthsTensor,
} from './validation/attention-args.js';
export {
  type CheckOptionsSettings,
  checkOptions,
  describeValue,
  isPlainObject,
  type OptionCheck,
  type OptionsSchema,
  type OptionType,
} from './validation/check-options.js';
export {
  checkAllocation,
  formatBytes,
  getMemoryLimit,
  MAX_TYPED_ARRAY_LENGTH,
  MemoryLimitError,
  setMemoryLimit,
} from './validation/memory.js';
// s6-bundle: the options checker's did-you-mean, apart so that bundles that never suggest leave it out.
export { snakeToCamel, suggestKey } from './validation/suggest-key.js';
// ---- s7-relaxed: which build of the WebAssembly kernels runs (relaxed-SIMD FMA or plain SIMD) ----
export { enableRelaxedSimd, type WasmVariant, wasmVariant } from './wasm/module-bytes.js';
