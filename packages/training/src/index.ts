// @attnkit/training — the package's table of contents: named re-exports only.
// File-system helpers (saveSafetensors, loadSafetensors) live in the Node-only entry '@attnkit/training/node'.
export type { AdamOptions } from './adam.js';
export { Adam } from './adam.js';
export { AdamW } from './adam-w.js';
export { bleu } from './bleu.js';
export type { BucketBatchesOptions } from './bucket-batches.js';
export { bucketBatches } from './bucket-batches.js';
export { ByteVocab } from './byte-vocab.js';
export type { ClipGradNormOptions } from './clip-grad-norm.js';
export { clipGradNorm } from './clip-grad-norm.js';
export type { CosineWithWarmupOptions } from './cosine-with-warmup.js';
export { CosineWithWarmup } from './cosine-with-warmup.js';
export type { CrossEntropyOptions } from './cross-entropy.js';
export { crossEntropy } from './cross-entropy.js';
export { editDistance } from './edit-distance.js';
export type { ErrorRates, WordScore } from './error-rates.js';
export { errorRates, scoreWord } from './error-rates.js';
export type {
  FitCallbacks,
  FitEvalInfo,
  FitEvaluate,
  FitOptions,
  FitResult,
  FitSkipInfo,
  FitStepInfo,
} from './fit.js';
export { fit } from './fit.js';
export type { Reduction } from './internal/reduction.js';
export type { SafetensorsDType } from './internal/safetensors-dtypes.js';
export { LambdaLR } from './lambda-lr.js';
export type { BatchIterable, LoadArrayOptions } from './load-array.js';
export { loadArray } from './load-array.js';
export type { LRSchedulerStateDict, Schedule } from './lr-scheduler.js';
export { LRScheduler } from './lr-scheduler.js';
export { maskedSoftmaxCELoss } from './masked-softmax-ce-loss.js';
export type { MseLossOptions } from './mse-loss.js';
export { mseLoss } from './mse-loss.js';
export type {
  FloatArray,
  Hyperparameter,
  OptimizerParamState,
  OptimizerStateDict,
  ParamState,
} from './optimizer.js';
export { Optimizer } from './optimizer.js';
export type { PadSequencesOptions } from './pad-sequences.js';
export { padSequences } from './pad-sequences.js';
export type { ParsedSafetensors, ReadSafetensorsOptions } from './parse-safetensors.js';
export { parseSafetensors } from './parse-safetensors.js';
export {
  type ParseSafetensorsStreamOptions,
  parseSafetensorsStream,
  type SafetensorsHeaderInfo,
  type SafetensorsSource,
} from './parse-safetensors-stream.js';
export type { RandomWindowsOptions, WindowBatch } from './random-windows.js';
export { randomWindows } from './random-windows.js';
export { serializeSafetensors } from './serialize-safetensors.js';
export type { SGDOptions } from './sgd.js';
export { SGD } from './sgd.js';
export type { StepLROptions } from './step-lr.js';
export { StepLR } from './step-lr.js';
export type { TrainValSplitOptions } from './train-val-split.js';
export { trainValSplit } from './train-val-split.js';
export type { Tokenizer, VocabFromTextOptions, VocabJSON } from './vocab.js';
export { Vocab } from './vocab.js';
export type { WeightAverageOptions } from './weight-average.js';
export { WeightAverage } from './weight-average.js';
