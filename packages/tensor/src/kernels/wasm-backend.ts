import { wasmSimdSupported } from '../wasm/instance.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { wasmAdamStep } from './wasm-adam.js';
import { wasmArithmetic } from './wasm-arithmetic.js';
import { wasmFlashAttentionBackward, wasmFlashAttentionForward } from './wasm-flash-attention.js';
import { wasmLayerNorm, wasmLayerNormBackward } from './wasm-layer-norm.js';
import { wasmBatchedMatmul, wasmMatmul, wasmMatmulBias } from './wasm-matmul.js';
import { wasmBiasRelu, wasmReluMaskColumnSum } from './wasm-relu.js';
import { wasmRotary, wasmRotaryBackward } from './wasm-rotary.js';
import { wasmSoftmaxCrossEntropy, wasmSoftmaxCrossEntropyBackward } from './wasm-softmax-cross-entropy.js';

/**
 * The default backend where WebAssembly SIMD validates: float32 products (SGEMM, 4×8 f32x4
 * register tiles, float32 accumulation) and fused attention in src/wasm/sgemm.wat, split over the
 * worker pool after setNumThreads(n > 1); every other kernel is the `js` backend's. Float64 and
 * int32 products, and float32 products too small to pay for the call, run in JavaScript.
 * The instance is created on the first product that needs it (src/wasm/instance.ts).
 */
export const wasmBackend: Backend = {
  ...jsBackend,
  name: 'wasm',
  unavailableReason: () => (wasmSimdSupported() ? null : 'needs WebAssembly SIMD, which this engine lacks'),
  matmul: wasmMatmul,
  matmulBias: wasmMatmulBias,
  batchedMatmul: wasmBatchedMatmul,
  flashAttentionForward: wasmFlashAttentionForward,
  flashAttentionBackward: wasmFlashAttentionBackward,
  // ---- s6-train: bias + ReLU both ways, LayerNorm backward (wasm-relu.ts, wasm-layer-norm.ts) ----
  biasRelu: wasmBiasRelu,
  reluMaskColumnSum: wasmReluMaskColumnSum,
  layerNormBackward: wasmLayerNormBackward,
  // ---- s7: softmax cross-entropy with WebAssembly exponentials ----
  softmaxCrossEntropy: wasmSoftmaxCrossEntropy,
  softmaxCrossEntropyBackward: wasmSoftmaxCrossEntropyBackward,
  // ---- s8: LayerNorm forward, rotary both ways ----
  layerNorm: wasmLayerNorm,
  rotary: wasmRotary,
  rotaryBackward: wasmRotaryBackward,
  // ---- s10: contiguous float32 element-wise arithmetic ----
  arithmetic: wasmArithmetic,
  adamStep: wasmAdamStep,
};
