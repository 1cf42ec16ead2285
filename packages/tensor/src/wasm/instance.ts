/**
 * The WebAssembly instance of src/wasm/sgemm.wat (the build src/wasm/module-bytes.ts picks: relaxed
 * SIMD with FMA, or plain SIMD) and its heap, for the `wasm` backend: created
 * synchronously on first use (the module is 6.6 KB, under every engine's limit for synchronous
 * compilation on a page's main thread), or the worker pool's shared instance while
 * setNumThreads(n > 1) is in effect. Nothing here runs until a kernel asks for the instance.
 */
import { activePool, type Job, type Pool, type TaskFunction } from '../threads/pool.js';
import { kernelModuleBytes } from './module-bytes.js';

/** sgemm over an A read in place (byte address a, stride lda bytes) and a packed B at b; C at c. */
type SgemmInPlaceA = (
  a: number,
  lda: number,
  b: number,
  c: number,
  mp: number,
  np: number,
  k: number,
) => void;

/** The exports of src/wasm/sgemm.wat (pointers are byte offsets into `memory`). */
export interface WasmKernels {
  readonly memory: WebAssembly.Memory;
  readonly sgemm: (a: number, b: number, c: number, mp: number, np: number, k: number) => void;
  /** sgemm with A read in place, row-major at a (row stride lda bytes); mp rows of it are read. */
  readonly sgemmRowA: SgemmInPlaceA;
  /** sgemm with A read in place where its rows are adjacent (column stride lda bytes); mp rows read. */
  readonly sgemmColA: SgemmInPlaceA;
  readonly pack: (
    dst: number,
    src: number,
    rs: number,
    cs: number,
    rows: number,
    rowsPadded: number,
    k: number,
    w: number,
  ) => void;
  readonly expShiftSum: (x: number, n: number, shift: number) => number;
  readonly flashForward: (
    qp: number,
    kp: number,
    vr: number,
    o: number,
    m: number,
    l: number,
    lim: number,
    s: number,
    lqp: number,
    d: number,
    dvp: number,
    scale: number,
  ) => void;
  readonly flashBackward: (
    qp: number,
    qr: number,
    kp: number,
    kr: number,
    vp: number,
    dop: number,
    dor: number,
    lse: number,
    rowDot: number,
    lim: number,
    s: number,
    t: number,
    dq: number,
    dk: number,
    dv: number,
    lqp: number,
    lk: number,
    d: number,
    dp: number,
    dvDepth: number,
    dvp: number,
    scale: number,
  ) => void;
  /**
   * `flashForward` of problems [h0, h1), staged and written back in WebAssembly
   * (kernels/wasm-attention-batch.ts lays out the table, limits and scratch).
   */
  readonly flashForwardBatch: (
    table: number,
    lim: number,
    ml: number,
    h0: number,
    h1: number,
    scratch: number,
    qrs: number,
    krs: number,
    vrs: number,
    ors: number,
    lq: number,
    lk: number,
    lqp: number,
    lkp: number,
    d: number,
    dv: number,
    dvp: number,
    scale: number,
  ) => void;
  /** `flashBackward` of problems [h0, h1), staged and written back in WebAssembly. */
  readonly flashBackwardBatch: (
    table: number,
    lim: number,
    lse: number,
    h0: number,
    h1: number,
    scratch: number,
    qrs: number,
    krs: number,
    vrs: number,
    ors: number,
    dors: number,
    dqrs: number,
    dkrs: number,
    dvrs: number,
    lq: number,
    lk: number,
    lqp: number,
    lkp: number,
    d: number,
    dp: number,
    dv: number,
    dvp: number,
    scale: number,
  ) => void;
  /** x[0:n] = x ∘ y in float32 (op 0 add, 1 sub, 2 mul, 3 div), in place over x. */
  readonly arithmeticFlat: (op: number, x: number, y: number, n: number) => void;
  /** One Adam/AdamW update of n float32 parameters in place (kernels/adam.ts). */
  readonly adamStep: (
    p: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    beta2: number,
    shrink: number,
    stepSize: number,
    bc2Sqrt: number,
    eps: number,
  ) => void;
  // ---- s5-bench ----
  /** `pack` for rows adjacent in memory (rs = 1): 16 rows per pass over k; same layout. */
  readonly packAdjacent: (
    dst: number,
    src: number,
    cs: number,
    rows: number,
    rowsPadded: number,
    k: number,
    w: number,
  ) => void;
  // ---- s6-train ----
  /** Backward of a fused bias + ReLU: g masked by y > 0, and its float64 column sums added to dBias. */
  readonly reluMaskColumnSum: (
    out: number,
    g: number,
    y: number,
    dBias: number,
    rows: number,
    n: number,
  ) => void;
  /** Backward of LayerNorm for float32 rows (float64 statistics, accumulators and scratch). */
  readonly layerNormBackward: (
    dx: number,
    dw: number,
    db: number,
    g: number,
    x: number,
    mean: number,
    rstd: number,
    w: number,
    xh: number,
    rows: number,
    n: number,
    hasDx: number,
  ) => void;
  /** LayerNorm forward in place over rows × n float32 (float64 statistics saved per row). */
  readonly layerNorm: (
    x: number,
    w: number,
    b: number,
    mean: number,
    rstd: number,
    rows: number,
    n: number,
    eps: number,
  ) => void;
  /** Rotary embedding (half-split pairs) in place over rows of float32 listed by offset. */
  readonly rotaryRows: (
    x: number,
    rowAt: number,
    cos: number,
    sin: number,
    tableAt: number,
    rows: number,
    half: number,
    sign: number,
  ) => void;
  /** Linear bias + ReLU in place over rows × n float32. */
  readonly biasRelu: (out: number, bias: number, rows: number, n: number) => void;
  /** Linear bias in place over rows × n float32. */
  readonly biasAdd: (out: number, bias: number, rows: number, n: number) => void;
}

let simd: boolean | null = null;
let instance: WasmKernels | null = null;
/** Set when instantiation failed (e.g. a CSP without 'wasm-unsafe-eval'): stay on JavaScript. */
let failed = false;
/**
 * Float32 view of each memory in use (the pool's and this thread's own: kernels alternate between
 * them); rebuilt after the memory grows (an unshared buffer detaches).
 */
const heaps = new WeakMap<WebAssembly.Memory, Float32Array>();
/** The pool's instance seen as {@link WasmKernels}, for the pool it was made from. */
let pooled: { pool: Pool; kernels: WasmKernels } | null = null;

/** Whether this engine validates the SIMD module (WebAssembly with 128-bit SIMD); checked once. */
export function wasmSimdSupported(): boolean {
  simd ??=
    typeof WebAssembly === 'object' &&
    typeof WebAssembly.validate === 'function' &&
    WebAssembly.validate(kernelModuleBytes());
  return simd;
}

function poolKernels(pool: Pool): WasmKernels {
  if (pooled === null || pooled.pool !== pool) {
    pooled = { pool, kernels: { ...(pool.exports as unknown as WasmKernels), memory: pool.memory } };
  }
  return pooled.kernels;
}

/**
 * The instance the kernels should use: the shared-memory one of the worker pool while
 * setNumThreads(n > 1) is in effect, else this module's own (created on first use); null where
 * WebAssembly SIMD is unavailable or instantiation failed.
 */
export function wasmKernels(): WasmKernels | null {
  const pool = activePool();
  if (pool !== null) return poolKernels(pool);
  return wasmLocalKernels();
}

/**
 * This thread's own instance (unshared memory), even while setNumThreads(n > 1) is in effect: for
 * kernels that never split their work over the pool (LayerNorm, the ReLU and bias backward,
 * element-wise arithmetic, softmax plus cross-entropy, rotary, AdamW, products too small to
 * thread). Copies into and out of a shared memory take V8's relaxed-atomic path (about 2.5× slower
 * than `memcpy` on the project's machine: 16 against 42 GB/s), and these kernels are mostly copies.
 * The module is the same, so results are the same bits on either instance. Null as
 * {@link wasmKernels}.
 */
export function wasmLocalKernels(): WasmKernels | null {
  if (instance !== null || failed) return instance;
  if (!wasmSimdSupported()) {
    failed = true;
    return null;
  }
  try {
    const module = new WebAssembly.Module(kernelModuleBytes());
    instance = new WebAssembly.Instance(module, {}).exports as unknown as WasmKernels;
  } catch {
    failed = true;
  }
  return instance;
}

/**
 * Writes a job of export calls: on the pool's threads when one is running (tasks may run in any
 * order and in parallel; `run()` waits for all), else each call runs at once on this thread.
 */
export function wasmJob(wasm: WasmKernels): Job {
  const pool = activePool();
  if (pool !== null && wasm === poolKernels(pool)) return pool.job();
  const fns = wasm as unknown as Record<TaskFunction, (...args: number[]) => unknown>;
  const job: Job = {
    task: () => job,
    call: (fn, ...args) => {
      fns[fn](...args);
      return job;
    },
    run: (work) => work?.(),
  };
  return job;
}

/** Threads the kernels run on now (1 without a pool). */
export function wasmThreads(wasm: WasmKernels): number {
  const pool = activePool();
  return pool !== null && wasm === poolKernels(pool) ? pool.threads : 1;
}

/**
 * The instance memory as float32, grown to at least `floats` elements (never shrinks; reused
 * across calls); any earlier view of it is invalid after this call (growing detaches the old
 * buffer).
 */
export function wasmHeap(wasm: WasmKernels, floats: number): Float32Array {
  const needed = floats * 4;
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / 65536));
  let heap = heaps.get(wasm.memory);
  if (heap === undefined || heap.byteLength !== wasm.memory.buffer.byteLength) {
    heap = new Float32Array(wasm.memory.buffer);
    heaps.set(wasm.memory, heap);
  }
  return heap;
}
