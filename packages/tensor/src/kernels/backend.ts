import type { TypedArray } from '../dtype.js';
import type { adamStepKernel } from './adam.js';
import type { argReduceKernel } from './arg-reduce.js';
import type { arithmeticKernel } from './arithmetic.js';
import type { binaryKernel } from './binary.js';
import type { copyStrided } from './copy.js';
import type { gatherKernel, scatterAddKernel } from './gather.js';
import type { layerNormBackwardKernel, layerNormKernel } from './layer-norm.js';
import type { reduceKernel } from './reduce.js';
import type { biasReluKernel, reluBackwardKernel, reluKernel, reluMaskColumnSumKernel } from './relu.js';
import type { rotaryBackwardKernel, rotaryKernel } from './rotary.js';
import type {
  logSoftmaxBackwardKernel,
  logSoftmaxKernel,
  softmaxBackwardKernel,
  softmaxCrossEntropyBackwardKernel,
  softmaxCrossEntropyKernel,
  softmaxKernel,
} from './softmax.js';
import type { unaryKernel } from './unary.js';
import type { whereKernel } from './where.js';

/** Sizes and masking of one fused attention call over `heads` independent (queries × keys) problems. */
export interface FlashAttentionShape {
  /** Independent problems (batch·heads); each has its own queries, keys and values. */
  heads: number;
  numQueries: number;
  numKeys: number;
  /** Depth of queries and keys. */
  d: number;
  /** Depth of values. */
  dv: number;
  /** Factor applied to QKᵀ. */
  scale: number;
  /**
   * Visible keys per query row (heads·numQueries entries): row i of problem h sees keys
   * j < limits[h·numQueries + i]. Null: every key is visible.
   */
  limits: Int32Array | null;
}

/**
 * One operand of fused attention as `count` matrices of rows with consecutive columns: row i of
 * problem h starts at `data[offsets[h] + i·rowStride]`. A head-split view (batch, heads, n, d) of a
 * (batch, n, heads·d) projection is read in place (offsets b·n·heads·d + h·d, rowStride heads·d).
 */
export interface AttentionRows<D extends TypedArray = TypedArray> {
  readonly data: D;
  readonly offsets: Int32Array;
  readonly rowStride: number;
}

/**
 * A matrix read through strides: element (i, j) is `data[offset + i·rowStride + j·colStride]`.
 * The two-axis case of {@link StridedView}: a transposed, sliced or broadcast (stride 0) view
 * needs no copy.
 */
export interface MatrixView<D extends TypedArray = TypedArray> {
  readonly data: D;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** A stack of matrices with shared strides, matrix t starting at `offsets[t]`. */
export interface MatrixBatchView<D extends TypedArray = TypedArray> {
  readonly data: D;
  readonly offsets: ArrayLike<number>;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Where a product is written: row-major, row stride = the product's columns, from `offset`. */
export interface MatrixOut<D extends TypedArray = TypedArray> {
  readonly data: D;
  readonly offset: number;
}

/**
 * The kernels that training and inference need, as one value: ops call
 * `backend().<kernel>(…)` (src/kernels/registry.ts) and never learn which implementation runs.
 * Kernels take storage views plus an explicit output, validate nothing and record nothing (ops do
 * both). {@link jsBackend} and {@link wasmBackend} implement it; `setBackend` swaps the object.
 * A backend must give the same results as `jsBackend` within float32 tolerance.
 *
 * The seam for a GPU backend (ADR 0002): such an object would add an asynchronous `init` and
 * device-resident buffers; the synchronous host-memory calls below stay its fallback.
 */
export interface Backend {
  /** Short name reported by `getBackend().name`: `'wasm'`, `'js'`, or a custom backend's own. */
  readonly name: string;
  /**
   * Why this backend cannot run on this engine (e.g. `'needs WebAssembly SIMD, which this engine
   * lacks'`), or null when it can; absent: always available. `setBackend` refuses an unavailable
   * backend with this reason, and the default skips it. A GPU backend reports a missing adapter here.
   */
  unavailableReason?(): string | null;
  /**
   * out (m × n) = a (m × k) · b (k × n). Float32 and float64 data are accumulated as the
   * backend documents (`js`: float64, `wasm`: float32 for float32 outputs); an Int32Array `out`
   * takes the exact product with 32-bit wrap-around.
   */
  matmul(out: MatrixOut, a: MatrixView, b: MatrixView, m: number, n: number, k: number): void;
  /**
   * Linear's forward in one call (ops/linear.ts): out (m × n) = a·b + bias (the n consecutive
   * elements of `bias` added to every row; none when null), then max(·, 0) when `relu`. Rounds as
   * {@link Backend.matmul} followed by the bias add (rounded by the store) and
   * {@link Backend.biasRelu}, so that a backend can add the bias while the product is still in its
   * own memory. `jsBackend`'s runs `this.matmul` and then the bias add, so `{ ...jsBackend, matmul }`
   * sees Linear's products too; `wasmBackend`'s runs its own product, so a backend that spreads it
   * and replaces `matmul` replaces `matmulBias` as well (e.g. with `jsBackend.matmulBias`).
   */
  matmulBias(
    out: MatrixOut,
    a: MatrixView,
    b: MatrixView,
    m: number,
    n: number,
    k: number,
    bias: TypedArray | null,
    relu: boolean,
  ): void;
  /**
   * `count` products with shared sizes and strides: product t is written at
   * out.offset + t·m·n, from a.offsets[t] and b.offsets[t] (the per-head products of attention).
   */
  batchedMatmul(
    out: MatrixOut,
    a: MatrixBatchView,
    b: MatrixBatchView,
    m: number,
    n: number,
    k: number,
    count: number,
  ): void;
  /**
   * Fused attention forward (FlashAttention; kernels/flash-attention.ts): q (numQueries × d),
   * k (numKeys × d), v (numKeys × dv) per problem; writes out (numQueries × dv) per problem and
   * lse (heads·numQueries, row-major).
   */
  flashAttentionForward(
    q: AttentionRows,
    k: AttentionRows,
    v: AttentionRows,
    out: AttentionRows<Float32Array>,
    lse: Float32Array,
    shape: FlashAttentionShape,
  ): void;
  /**
   * Backward of {@link Backend.flashAttentionForward}: writes dq, dk, dv (shaped as q, k, v), every
   * row of every problem (zeros for keys no query sees): their storage is not zeroed beforehand.
   */
  flashAttentionBackward(
    q: AttentionRows,
    k: AttentionRows,
    v: AttentionRows,
    out: AttentionRows<Float32Array>,
    lse: Float32Array,
    dOut: AttentionRows,
    dq: AttentionRows<Float32Array>,
    dk: AttentionRows<Float32Array>,
    dv: AttentionRows<Float32Array>,
    shape: FlashAttentionShape,
  ): void;
  readonly copyStrided: typeof copyStrided;
  readonly gather: typeof gatherKernel;
  readonly scatterAdd: typeof scatterAddKernel;
  readonly binary: typeof binaryKernel;
  readonly arithmetic: typeof arithmeticKernel;
  readonly unary: typeof unaryKernel;
  readonly where: typeof whereKernel;
  readonly reduce: typeof reduceKernel;
  readonly argReduce: typeof argReduceKernel;
  readonly softmax: typeof softmaxKernel;
  readonly logSoftmax: typeof logSoftmaxKernel;
  readonly softmaxBackward: typeof softmaxBackwardKernel;
  readonly logSoftmaxBackward: typeof logSoftmaxBackwardKernel;
  readonly layerNorm: typeof layerNormKernel;
  readonly layerNormBackward: typeof layerNormBackwardKernel;
  readonly relu: typeof reluKernel;
  readonly reluBackward: typeof reluBackwardKernel;
  readonly rotary: typeof rotaryKernel;
  readonly rotaryBackward: typeof rotaryBackwardKernel;
  // s5-kernels: fused kernels of the training step (softmax cross-entropy, Linear bias + ReLU).
  readonly softmaxCrossEntropy: typeof softmaxCrossEntropyKernel;
  readonly softmaxCrossEntropyBackward: typeof softmaxCrossEntropyBackwardKernel;
  readonly biasRelu: typeof biasReluKernel;
  readonly reluMaskColumnSum: typeof reluMaskColumnSumKernel;
  /**
   * One Adam/AdamW update in place over a parameter's n elements (no AMSGrad, no L2 term), as
   * {@link adamStepKernel}: the Adam and AdamW of `@attnkit/training` call it through `getBackend()`.
   */
  readonly adamStep: typeof adamStepKernel;
}
