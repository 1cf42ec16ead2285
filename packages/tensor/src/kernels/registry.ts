/**
 * The one dispatch point between ops and kernels. Ops never import a kernel file directly; they
 * call `kernels.<name>(…)`, so a faster implementation (WebAssembly SIMD, a worker pool) can be
 * swapped in with {@link registerKernel} without touching any op. Kernels take storage, offsets
 * and strides plus an explicit output, validate nothing and record nothing.
 */
import { argReduceKernel } from './arg-reduce.js';
import { arithmeticKernel } from './arithmetic.js';
import { batchedMatmulKernel } from './batched-matmul.js';
import { binaryKernel } from './binary.js';
import { copyStrided } from './copy.js';
import { flashAttentionBackward, flashAttentionForward } from './flash-attention.js';
import { gatherKernel, scatterAddKernel } from './gather.js';
import { layerNormBackwardKernel, layerNormKernel } from './layer-norm.js';
import { reduceKernel } from './reduce.js';
import { reluBackwardKernel, reluKernel } from './relu.js';
import { rotaryBackwardKernel, rotaryKernel } from './rotary.js';
import {
  logSoftmaxBackwardKernel,
  logSoftmaxKernel,
  softmaxBackwardKernel,
  softmaxKernel,
} from './softmax.js';
import { unaryKernel } from './unary.js';
import { wasmMatmulKernel } from './wasm-matmul.js';
import { whereKernel } from './where.js';

const defaults = {
  copyStrided,
  gather: gatherKernel,
  scatterAdd: scatterAddKernel,
  binary: binaryKernel,
  arithmetic: arithmeticKernel,
  unary: unaryKernel,
  where: whereKernel,
  // Float32 products in WebAssembly SIMD where available; it defers to matmulKernel otherwise.
  matmul: wasmMatmulKernel,
  batchedMatmul: batchedMatmulKernel,
  reduce: reduceKernel,
  argReduce: argReduceKernel,
  softmax: softmaxKernel,
  logSoftmax: logSoftmaxKernel,
  softmaxBackward: softmaxBackwardKernel,
  logSoftmaxBackward: logSoftmaxBackwardKernel,
  layerNorm: layerNormKernel,
  layerNormBackward: layerNormBackwardKernel,
  flashAttentionForward,
  flashAttentionBackward,
  relu: reluKernel,
  reluBackward: reluBackwardKernel,
  rotary: rotaryKernel,
  rotaryBackward: rotaryBackwardKernel,
};

/** The kernel table's type: one entry per kernel name. */
export type KernelTable = typeof defaults;

/** The active kernels. Read through this object at call time so replacements take effect. */
export const kernels: KernelTable = { ...defaults };

/**
 * Replaces one kernel (for example a WebAssembly build of `matmul`). The replacement must have the
 * same signature and produce the same results within float32 tolerance.
 */
export function registerKernel<K extends keyof KernelTable>(name: K, impl: KernelTable[K]): void {
  kernels[name] = impl;
}

/** Restores one kernel (or all of them) to the portable JavaScript implementation. */
export function resetKernels(name?: keyof KernelTable): void {
  if (name === undefined) Object.assign(kernels, defaults);
  else (kernels as Record<string, unknown>)[name] = defaults[name];
}
