import type { TypedArray } from '../dtype.js';
import { activePool, type Job, type Pool, type TaskFunction } from '../threads/pool.js';
import { decodeBase64 } from '../wasm/decode.js';
import { SGEMM_WASM_BASE64 } from '../wasm/sgemm.generated.js';
import { matmulKernel } from './matmul.js';

// Tile and block sizes of src/wasm/sgemm.wat: a 4×8 register tile, k blocked by 256.
const MR = 4;
const NR = 8;
const KC = 256;
/** Products with fewer multiply-adds than this stay in JavaScript (the call and packing dominate). */
const SMALL = 4096;
/** Floats of packed A plus C per row chunk (16 MB), so memory stays bounded for tall products. */
const CHUNK_FLOATS = 1 << 22;
/** Largest packed B (floats, 256 MB) the WebAssembly path takes; larger products use JavaScript. */
const MAX_B_FLOATS = 1 << 26;
/** Products with at least this many multiply-adds (≈ 70 µs on one core) are split over threads. */
const PARALLEL_MIN = 1 << 20;
/** Fewest rows of A a task of a threaded product takes (a multiple of MR). */
const MIN_BAND = 16;
/** Packed B sizes (floats) up to which one thread packs it without a parallel phase. */
const SMALL_PACK = 1 << 16;
/** Largest layout (floats, 512 MB) a threaded product stages at once; larger ones run chunked on one thread. */
const MAX_PARALLEL_FLOATS = 1 << 27;

interface Sgemm {
  readonly memory: WebAssembly.Memory;
  readonly sgemm: (a: number, b: number, c: number, mp: number, np: number, k: number) => void;
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
}

/** The WebAssembly exports of src/wasm/sgemm.wat, as seen by the fused attention kernels. */
export type WasmKernels = Sgemm;

/**
 * The instance the kernels should use: the shared-memory one of the worker pool while
 * setNumThreads(n > 1) is in effect, else the module's own (created on first use); null where
 * WebAssembly SIMD is unavailable.
 */
export function wasmKernels(): WasmKernels | null {
  return load();
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
 * The instance memory as float32, grown to at least `floats` elements; any earlier view of it is
 * invalid after this call (growing detaches the old buffer).
 */
export function wasmHeap(wasm: WasmKernels, floats: number): Float32Array {
  return reserve(wasm, floats);
}

const bytes = decodeBase64(SGEMM_WASM_BASE64);

/** Whether this engine validates the SIMD module (WebAssembly with 128-bit SIMD). */
export const wasmSimdSupported: boolean =
  typeof WebAssembly === 'object' &&
  typeof WebAssembly.validate === 'function' &&
  WebAssembly.validate(bytes);

let instance: Sgemm | null = null;
/** Set when instantiation failed (e.g. a CSP without 'wasm-unsafe-eval'): stay on JavaScript. */
let failed = !wasmSimdSupported;
/** Float32 view of the memory in use; rebuilt after it grows (an unshared buffer detaches). */
let heap = new Float32Array(0);
let heapMemory: WebAssembly.Memory | null = null;
/** The pool's instance seen as {@link Sgemm}, for the pool it was made from. */
let pooled: { pool: Pool; kernels: Sgemm } | null = null;

function poolKernels(pool: Pool): Sgemm {
  if (pooled === null || pooled.pool !== pool) {
    pooled = { pool, kernels: { ...(pool.exports as unknown as Sgemm), memory: pool.memory } };
  }
  return pooled.kernels;
}

/**
 * The instance: the worker pool's shared one while threads are on, else this module's own,
 * created synchronously on first use (the module is < 5 KB, so browsers allow it).
 */
function load(): Sgemm | null {
  const pool = activePool();
  if (pool !== null) return poolKernels(pool);
  if (instance !== null || failed) return instance;
  try {
    const module = new WebAssembly.Module(bytes);
    instance = new WebAssembly.Instance(module, {}).exports as unknown as Sgemm;
  } catch {
    failed = true;
  }
  return instance;
}

/** Grows the instance memory to hold `floats` float32s (never shrinks; reused across calls). */
function reserve(wasm: Sgemm, floats: number): Float32Array {
  const needed = floats * 4;
  const have = wasm.memory.buffer.byteLength;
  if (needed > have) wasm.memory.grow(Math.ceil((needed - have) / 65536));
  if (heapMemory !== wasm.memory || heap.byteLength !== wasm.memory.buffer.byteLength) {
    heap = new Float32Array(wasm.memory.buffer);
    heapMemory = wasm.memory;
  }
  return heap;
}

/**
 * The `matmul` kernel with float32 products computed by WebAssembly SIMD (src/wasm/sgemm.wat);
 * same signature and layout as {@link matmulKernel}, to which it defers for float64 and int32
 * outputs, products too small to pay for the call, very large B panels, and engines without SIMD.
 *
 * Operands are read through their offsets and strides (any typed array) and packed into the
 * instance memory as zero-padded 4-row and 8-column micro-panels; C comes back row-major.
 * Accumulation is in float32 (f32x4 multiply then add), so a sum of k products carries a rounding
 * error of order k·ε·Σ|aᵢ·bᵢ| rather than the float64 kernel's single final rounding.
 */
export function wasmMatmulKernel(
  out: TypedArray,
  outOffset: number,
  a: TypedArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: TypedArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  m: number,
  n: number,
  k: number,
): void {
  const np = up(n, NR);
  const wasm =
    out instanceof Float32Array && k > 0 && m * n * k >= SMALL && k * np <= MAX_B_FLOATS ? load() : null;
  if (wasm === null) {
    matmulKernel(
      out,
      outOffset,
      a,
      aOffset,
      aRowStride,
      aColStride,
      b,
      bOffset,
      bRowStride,
      bColStride,
      m,
      n,
      k,
    );
    return;
  }
  if (m * n * k >= PARALLEL_MIN && wasmThreads(wasm) > 1) {
    if (
      parallelMatmul(
        wasm,
        out,
        outOffset,
        a,
        aOffset,
        aRowStride,
        aColStride,
        b,
        bOffset,
        bRowStride,
        bColStride,
        m,
        n,
        k,
      )
    ) {
      return;
    }
  }
  // Rows per chunk: a multiple of MR with (packed A + C) within CHUNK_FLOATS.
  const mpAll = up(m, MR);
  const rows = Math.min(mpAll, Math.max(MR, Math.floor(CHUNK_FLOATS / (k + np) / MR) * MR));
  const bAt = 0;
  const aAt = k * np;
  const cAt = aAt + rows * k;
  const rawAt = cAt + rows * np;
  reserve(wasm, rawAt);
  // Bᵀ packed like A: n rows of k, strides swapped, 8-row panels.
  if (!packInWasm(wasm, bAt, rawAt, b, bOffset, bColStride, bRowStride, n, np, k, NR)) {
    packB(heap, bAt, b, bOffset, bRowStride, bColStride, k, n, np);
  }
  for (let i0 = 0; i0 < m; i0 += rows) {
    const mc = Math.min(rows, m - i0);
    const mp = up(mc, MR);
    const ai = aOffset + i0 * aRowStride;
    if (!packInWasm(wasm, aAt, rawAt, a, ai, aRowStride, aColStride, mc, mp, k, MR)) {
      packA(heap, aAt, a, ai, aRowStride, aColStride, mc, mp, k);
    }
    wasm.sgemm(aAt * 4, bAt * 4, cAt * 4, mp, np, k);
    copyRowsOut(heap, cAt, out, outOffset + i0 * n, mc, n, np);
  }
}

/** First storage index and element count of the rows×cols view at `off` with strides rs, cs. */
function spanOf(
  off: number,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
): { lo: number; size: number } {
  const lo = off + Math.min(0, (rows - 1) * rs) + Math.min(0, (cols - 1) * cs);
  const hi = off + Math.max(0, (rows - 1) * rs) + Math.max(0, (cols - 1) * cs);
  return { lo, size: hi - lo + 1 };
}

/** `x` rounded up to a multiple of `to`. */
export const up = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * Copies rows×cols out of a row-major block of the instance memory whose rows are colsPadded
 * long (a padded C, or a padded gradient) into `dst` at `off`, rows packed.
 */
export function copyRowsOut(
  mem: Float32Array,
  at: number,
  dst: TypedArray,
  off: number,
  rows: number,
  cols: number,
  colsPadded: number,
): void {
  if (cols === colsPadded) {
    dst.set(mem.subarray(at, at + rows * cols), off);
    return;
  }
  for (let i = 0; i < rows; i++)
    dst.set(mem.subarray(at + i * colsPadded, at + i * colsPadded + cols), off + i * cols);
}

/**
 * One product split over the pool's threads: the raw operands are copied into the shared memory
 * once, Bᵀ is packed in pieces (k-block × column range) by all threads, then each task packs its
 * own band of A rows and computes that band of C. What only the calling thread can do overlaps
 * the workers' tasks: it copies A in while they pack B, and touches the pages of a freshly
 * allocated `out` (a page fault each 4 KB, about 0.6 ms per MB on a virtual machine) while they
 * start on the bands. False (nothing done) when an operand is not a compact Float32Array view or
 * the layout would be too large; the caller then runs single-threaded.
 */
function parallelMatmul(
  wasm: Sgemm,
  out: TypedArray,
  outOffset: number,
  a: TypedArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: TypedArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  m: number,
  n: number,
  k: number,
): boolean {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) return false;
  const threads = wasmThreads(wasm);
  if (m < 2 * MIN_BAND) return false;
  const np = up(n, NR);
  const mp = up(m, MR);
  const as = spanOf(aOffset, aRowStride, aColStride, m, k);
  const bs = spanOf(bOffset, bColStride, bRowStride, n, k);
  if (as.size > 2 * m * k + 1024 || bs.size > 2 * n * k + 1024) return false;
  const bAt = 0;
  const aAt = bAt + k * np;
  const cAt = aAt + mp * k;
  const rawA = cAt + mp * np;
  const rawB = up(rawA + as.size, 4);
  const total = rawB + bs.size;
  if (total > MAX_PARALLEL_FLOATS) return false;
  let job = wasmJob(wasm);
  const mem = reserve(wasm, total);
  mem.set(b.subarray(bs.lo, bs.lo + bs.size), rawB);
  const bSrc = rawB + bOffset - bs.lo;
  const aSrc = rawA + aOffset - as.lo;
  // Phase 1: Bᵀ (n rows of k, strides swapped) packed as k-blocks of KC × ranges of NR-row panels;
  // block pc starts at pc·np, and panel row r0 of it at pc·np + r0·kc. A small B (a layer's
  // weight) is packed here at once: splitting it would cost more than it saves.
  const pieces = k * np <= SMALL_PACK ? 1 : Math.max(1, Math.min(2 * threads, np / NR));
  const piece = up(Math.ceil(np / pieces), NR);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let r0 = 0; r0 < np; r0 += piece) {
      const r1 = Math.min(np, r0 + piece);
      job
        .task()
        .call(
          'pack',
          (bAt + pc * np + r0 * kc) * 4,
          (bSrc + r0 * bColStride + pc * bRowStride) * 4,
          bColStride,
          bRowStride,
          Math.min(r1, n) - r0,
          r1 - r0,
          kc,
          NR,
        );
    }
  }
  job.run(() => mem.set(a.subarray(as.lo, as.lo + as.size), rawA));
  // Phase 2: each band packs its rows of A (own layout, mb rows padded) and computes its rows of C.
  // Bands of at most 1/(4·threads) of the rows, so that a thread the host stalls holds back little,
  // shrinking once fewer rows are left (guided self-scheduling: 1/(2·threads) of the rest, at least
  // MIN_BAND), so the threads finish within a small band of each other.
  job = wasmJob(wasm);
  const cap = m / (4 * threads);
  for (let i0 = 0, mc = 0; i0 < m; i0 += mc) {
    const rest = m - i0;
    mc = Math.min(rest, Math.max(MIN_BAND, up(Math.ceil(Math.min(cap, rest / (2 * threads))), MR)));
    const mb = up(mc, MR);
    job
      .task()
      .call('pack', (aAt + i0 * k) * 4, (aSrc + i0 * aRowStride) * 4, aRowStride, aColStride, mc, mb, k, MR)
      .call('sgemm', (aAt + i0 * k) * 4, bAt * 4, (cAt + i0 * np) * 4, mb, np, k);
  }
  job.run(() => touchPages(out, outOffset, m * n));
  copyRowsOut(heap, cAt, out, outOffset, m, n, np);
  return true;
}

/** Writes 0 once every 4 KB of out[off, off + size): the first write to a fresh page faults it in. */
function touchPages(out: TypedArray, off: number, size: number): void {
  const step = 4096 / out.BYTES_PER_ELEMENT;
  for (let i = off; i < off + size; i += step) out[i] = 0;
}

/**
 * `count` products out[t] (m×n, row-major at outOffset + t·m·n) = A_t·B_t with A_t the m×k view at
 * aOffsets[t] and B_t the k×n view at bOffsets[t] (shared strides), as one job: the operands'
 * storage is copied into the instance memory once per round and every product is packed and
 * multiplied in WebAssembly — in parallel on the pool's threads when they are on. This is the
 * per-head product of attention ((batch·heads) small matrices), where one kernel call per matrix
 * would spend most of its time crossing into WebAssembly and copying.
 *
 * Returns false (nothing done) for non-float32 data, a single product, products too small for
 * WebAssembly or too large to batch, and operands that are not compact views; the caller then
 * runs one `matmul` per product.
 */
export function wasmBatchedMatmul(
  out: TypedArray,
  outOffset: number,
  a: TypedArray,
  aOffsets: ArrayLike<number>,
  aRowStride: number,
  aColStride: number,
  b: TypedArray,
  bOffsets: ArrayLike<number>,
  bRowStride: number,
  bColStride: number,
  m: number,
  n: number,
  k: number,
  count: number,
): boolean {
  const mp = up(m, MR);
  const np = up(n, NR);
  const item = mp * k + k * np + mp * np;
  const wasm =
    out instanceof Float32Array &&
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    count > 1 &&
    k > 0 &&
    m * n * k >= SMALL &&
    2 * item <= CHUNK_FLOATS
      ? load()
      : null;
  const as = wasm === null ? null : spansOf(aOffsets, aRowStride, aColStride, m, k, count);
  const bs = wasm === null ? null : spansOf(bOffsets, bColStride, bRowStride, n, k, count);
  if (wasm === null || as === null || bs === null) return false;
  const rawA = 0;
  const rawB = up(as.size, 4);
  const itemsAt = up(rawB + bs.size, 4);
  // Products per round: packed operands and C within CHUNK_FLOATS.
  const perRound = Math.max(1, Math.min(count, Math.floor(CHUNK_FLOATS / item)));
  let job = wasmJob(wasm);
  const mem = reserve(wasm, itemsAt + perRound * item);
  mem.set(a.subarray(as.lo, as.lo + as.size), rawA);
  mem.set(b.subarray(bs.lo, bs.lo + bs.size), rawB);
  for (let t0 = 0; t0 < count; t0 += perRound) {
    const round = Math.min(perRound, count - t0);
    if (t0 > 0) job = wasmJob(wasm);
    for (let r = 0; r < round; r++) {
      const t = t0 + r;
      const ap = itemsAt + r * item;
      const bp = ap + mp * k;
      const cp = bp + k * np;
      job
        .task()
        .call('pack', ap * 4, (rawA + aOffsets[t]! - as.lo) * 4, aRowStride, aColStride, m, mp, k, MR)
        .call('pack', bp * 4, (rawB + bOffsets[t]! - bs.lo) * 4, bColStride, bRowStride, n, np, k, NR)
        .call('sgemm', ap * 4, bp * 4, cp * 4, mp, np, k);
    }
    // The products' rows of a fresh `out` are paged in by this thread while the workers compute.
    job.run(() => touchPages(out, outOffset + t0 * m * n, round * m * n));
    for (let r = 0; r < round; r++) {
      copyRowsOut(heap, itemsAt + r * item + mp * k + k * np, out, outOffset + (t0 + r) * m * n, m, n, np);
    }
  }
  return true;
}

/**
 * The storage span covering `count` rows×cols views at `offsets`, or null when it is much larger
 * than the views themselves (then copying it whole would waste memory).
 */
function spansOf(
  offsets: ArrayLike<number>,
  rs: number,
  cs: number,
  rows: number,
  cols: number,
  count: number,
): { lo: number; size: number } | null {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < count; t++) {
    const s = spanOf(offsets[t]!, rs, cs, rows, cols);
    lo = Math.min(lo, s.lo);
    hi = Math.max(hi, s.lo + s.size);
  }
  const size = hi - lo;
  return size <= 2 * count * rows * cols + 1024 ? { lo, size } : null;
}

/**
 * Packs a float32 rows×k view by copying the storage it spans into the instance memory at `rawAt`
 * (one memcpy) and packing there in WebAssembly; false (nothing done) when `src` is not a
 * Float32Array or its span is much larger than the view (then the caller packs in JavaScript).
 */
function packInWasm(
  wasm: Sgemm,
  dst: number,
  rawAt: number,
  src: TypedArray,
  off: number,
  rs: number,
  cs: number,
  rows: number,
  rowsPadded: number,
  k: number,
  w: number,
): boolean {
  if (!(src instanceof Float32Array)) return false;
  const { lo, size } = spanOf(off, rs, cs, rows, k);
  if (size > 2 * rows * k + 1024) return false;
  const mem = reserve(wasm, rawAt + size);
  mem.set(src.subarray(lo, lo + size), rawAt);
  wasm.pack(dst * 4, (rawAt + off - lo) * 4, rs, cs, rows, rowsPadded, k, w);
  return true;
}

/**
 * Packs the m×k matrix at `off` (zero rows up to mp) as k-blocks of KC, each a run of MR-row
 * micro-panels stored k-major: element (i, p) of block pc lands at pc·mp + (i − i%MR)·kc + (p−pc)·MR + i%MR.
 */
function packA(
  mem: Float32Array,
  at: number,
  a: TypedArray,
  off: number,
  rs: number,
  cs: number,
  m: number,
  mp: number,
  k: number,
): void {
  let q = at;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let ir = 0; ir < mp; ir += MR) {
      const mr = Math.min(MR, m - ir);
      let src = off + ir * rs + pc * cs;
      if (mr === MR) {
        for (let p = 0; p < kc; p++) {
          mem[q] = a[src]!;
          mem[q + 1] = a[src + rs]!;
          mem[q + 2] = a[src + 2 * rs]!;
          mem[q + 3] = a[src + 3 * rs]!;
          q += MR;
          src += cs;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let i = 0; i < MR; i++) mem[q + i] = i < mr ? a[src + i * rs]! : 0;
          q += MR;
          src += cs;
        }
      }
    }
  }
}

/**
 * Packs the k×n matrix at `off` (zero columns up to np) as k-blocks of KC, each a run of NR-column
 * micro-panels stored k-major (NR consecutive floats per step p).
 */
function packB(
  mem: Float32Array,
  at: number,
  b: TypedArray,
  off: number,
  rs: number,
  cs: number,
  k: number,
  n: number,
  np: number,
): void {
  let q = at;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    for (let jr = 0; jr < np; jr += NR) {
      const nr = Math.min(NR, n - jr);
      let src = off + pc * rs + jr * cs;
      if (nr === NR && cs === 1) {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) mem[q + j] = b[src + j]!;
          q += NR;
          src += rs;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) mem[q + j] = j < nr ? b[src + j * cs]! : 0;
          q += NR;
          src += rs;
        }
      }
    }
  }
}

/**
 * Softmax exponentials of a rows×stride tile in place: for each row i, s[i·stride + j] =
 * exp(s[i·stride + j] − shifts[i]) for j < counts[i], and sums[i] = the sum of those (0 for an
 * empty row). Computed with f32x4 in WebAssembly (a Cephes-style polynomial expf, within 2 ulp of
 * Math.exp in float32) or, where WebAssembly is unavailable, with Math.exp.
 */
export function expRows(
  s: Float32Array,
  rows: number,
  stride: number,
  counts: Int32Array,
  shifts: Float64Array,
  sums: Float64Array,
): void {
  const wasm = load();
  if (wasm === null) {
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let j = i * stride; j < i * stride + counts[i]!; j++) {
        const p = Math.exp(s[j]! - shifts[i]!);
        s[j] = p;
        sum += p;
      }
      sums[i] = sum;
    }
    return;
  }
  const size = rows * stride;
  const mem = reserve(wasm, size);
  mem.set(s.subarray(0, size), 0);
  for (let i = 0; i < rows; i++) {
    sums[i] = counts[i]! > 0 ? wasm.expShiftSum(i * stride * 4, counts[i]!, shifts[i]!) : 0;
  }
  s.set(mem.subarray(0, size));
}
