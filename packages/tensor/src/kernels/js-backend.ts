import { adamStepKernel } from './adam.js';
import { argReduceKernel } from './arg-reduce.js';
import { arithmeticKernel } from './arithmetic.js';
import type { Backend } from './backend.js';
import { batchByProduct } from './batched-matmul.js';
import { matmulBiasOfMatmul } from './bias.js';
import { binaryKernel } from './binary.js';
import { copyStrided } from './copy.js';
import { jsExpRows } from './exp-rows.js';
import { type TileOps, tiledAttentionBackward, tiledAttentionForward } from './flash-attention.js';
import { gatherKernel, scatterAddKernel } from './gather.js';
import { layerNormBackwardKernel, layerNormKernel } from './layer-norm.js';
import { jsMatmul } from './matmul.js';
import { reduceKernel } from './reduce.js';
import { biasReluKernel, reluBackwardKernel, reluKernel, reluMaskColumnSumKernel } from './relu.js';
import { rotaryBackwardKernel, rotaryKernel } from './rotary.js';
import {
  logSoftmaxBackwardKernel,
  logSoftmaxKernel,
  softmaxBackwardKernel,
  softmaxCrossEntropyBackwardKernel,
  softmaxCrossEntropyKernel,
  softmaxKernel,
} from './softmax.js';
import { unaryKernel } from './unary.js';
import { whereKernel } from './where.js';

/** The JavaScript tile operations of the fused-attention loop. */
export const jsTileOps: TileOps = { matmul: jsMatmul, expRows: jsExpRows };

/**
 * The portable backend: every kernel in plain JavaScript, products accumulated in float64 and
 * rounded once (bit-reproducible on every engine). The reference the other backends are tested
 * against, and the default where WebAssembly SIMD is unavailable.
 */
export const jsBackend: Backend = {
  name: 'js',
  matmul: jsMatmul,
  matmulBias: matmulBiasOfMatmul,
  batchedMatmul: (out, a, b, m, n, k, count) => batchByProduct(jsMatmul, out, a, b, m, n, k, count),
  flashAttentionForward: (q, k, v, out, lse, shape) =>
    tiledAttentionForward(jsTileOps, q, k, v, out, lse, shape),
  flashAttentionBackward: (q, k, v, out, lse, dOut, dq, dk, dv, shape) =>
    tiledAttentionBackward(jsTileOps, q, k, v, out, lse, dOut, dq, dk, dv, shape),
  copyStrided,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  binary: binaryKernel,
  arithmetic: arithmeticKernel,
  unary: unaryKernel,
  where: whereKernel,
  reduce: reduceKernel,
  argReduce: argReduceKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  softmaxBackward: softmaxBackwardKernel,
  logSoftmaxBackward: logSoftmaxBackwardKernel,
  layerNorm: layerNormKernel,
  layerNormBackward: layerNormBackwardKernel,
  relu: reluKernel,
  reluBackward: reluBackwardKernel,
  rotary: rotaryKernel,
  rotaryBackward: rotaryBackwardKernel,
  // s5-kernels
  softmaxCrossEntropy: softmaxCrossEntropyKernel,
  softmaxCrossEntropyBackward: softmaxCrossEntropyBackwardKernel,
  biasRelu: biasReluKernel,
  reluMaskColumnSum: reluMaskColumnSumKernel,
  adamStep: adamStepKernel,
};
