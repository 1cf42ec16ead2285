import type { TypedArray } from '../dtype.js';
import {
  type WasmKernels,
  wasmHeap,
  wasmJob,
  wasmKernels,
  wasmLocalKernels,
  wasmThreads,
} from '../wasm/instance.js';
import type { MatrixBatchView, MatrixOut, MatrixView } from './backend.js';
import { batchByProduct } from './batched-matmul.js';
import { biasRowsKernel } from './bias.js';
import { KC, WASM_MR as MR, WASM_NR as NR, up } from './constants.js';
import { jsMatmul } from './matmul.js';
import { packPanels } from './pack.js';

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

/**
 * out = A·B with float32 products computed by WebAssembly SIMD (src/wasm/sgemm.wat):
 * the `matmul` of the `wasm` backend; same layout as the JavaScript product ({@link jsMatmul}), to which it defers for float64 and int32
 * outputs, products too small to pay for the call, very large B panels, and engines without SIMD.
 *
 * Operands are read through their offsets and strides (any typed array) and packed into the
 * instance memory as zero-padded 4-row and 8-column micro-panels, except a float32 A that is
 * row-major or has adjacent rows: that one is copied in and read in place (`sgemmRowA`,
 * `sgemmColA`; the same bits). C comes back row-major.
 * Accumulation is in float32 (f32x4 multiply then add), so a sum of k products carries a rounding
 * error of order k·ε·Σ|aᵢ·bᵢ| rather than the float64 kernel's single final rounding.
 */
export function wasmMatmul(
  outView: MatrixOut,
  av: MatrixView,
  bv: MatrixView,
  m: number,
  n: number,
  k: number,
): void {
  wasmMatmulBias(outView, av, bv, m, n, k, null, false);
}

/**
 * The `matmulBias` of the `wasm` backend: out = A·B + bias (each row), then max(·, 0) when
 * `relu`, i.e. Linear's forward. On the WebAssembly path the bias add runs on C while it is still
 * in the instance memory (src/wasm/sgemm.wat `biasAdd` / `biasRelu`, in each thread's band of a
 * threaded product), which spares the JavaScript pass over the output that was 1.6% of a training
 * step of the main model. Bit-identical to {@link wasmMatmul} followed by `biasRowsKernel`
 * (NaN payloads aside); other dtypes, a float64 bias and small products take exactly that pair.
 */
export function wasmMatmulBias(
  outView: MatrixOut,
  av: MatrixView,
  bv: MatrixView,
  m: number,
  n: number,
  k: number,
  bias: TypedArray | null,
  relu: boolean,
): void {
  const { data: out, offset: outOffset } = outView;
  const { data: a, offset: aOffset, rowStride: aRowStride, colStride: aColStride } = av;
  const { data: b, offset: bOffset, rowStride: bRowStride, colStride: bColStride } = bv;
  const np = up(n, NR);
  const shared =
    out instanceof Float32Array && k > 0 && m * n * k >= SMALL && k * np <= MAX_B_FLOATS
      ? wasmKernels()
      : null;
  // The epilogue runs in WebAssembly on the WebAssembly path with a float32 (or no) bias.
  if (shared === null || !(bias === null || bias instanceof Float32Array)) {
    if (shared === null) jsMatmul(outView, av, bv, m, n, k);
    else wasmMatmulBias(outView, av, bv, m, n, k, null, false); // a float64 bias: added after
    biasRowsKernel(out.subarray(outOffset, outOffset + m * n), bias, relu, m, n);
    return;
  }
  const tail: Epilogue | null =
    relu || bias !== null ? { fn: relu ? 'biasRelu' : 'biasAdd', bias: bias as Float32Array | null } : null;
  if (m * n * k >= PARALLEL_MIN && wasmThreads(shared) > 1) {
    if (
      parallelMatmul(
        shared,
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
        tail,
      )
    ) {
      return;
    }
  }
  // One thread: its own instance, whose unshared memory copies at memcpy speed.
  const wasm = wasmLocalKernels() ?? shared;
  // Rows per chunk: a multiple of MR with (packed A + C) within CHUNK_FLOATS.
  const mpAll = up(m, MR);
  const rows = Math.min(mpAll, Math.max(MR, Math.floor(CHUNK_FLOATS / (k + np) / MR) * MR));
  // A float32 A that is row-major (activations, dY) or whose rows are adjacent (the dYᵀ of a
  // weight gradient; one chunk) is read in place by the tile, not packed: the same products in the
  // same order, so the same bits as the packed (and threaded) path; it needs no packed-A region.
  // A row-major B is still packed: read in place, its 8-column panels cost more (measured).
  const inPlace = inPlaceA(a, aRowStride, aColStride, m, k, rows >= mpAll);
  const bAt = 0;
  const aAt = k * np;
  const cAt = aAt + (inPlace === null ? rows * k : 0);
  const biasAt = cAt + rows * np;
  const rawAt = biasAt + (tail === null ? 0 : np);
  let heap = wasmHeap(wasm, rawAt);
  // Bᵀ packed like A: n rows of k, strides swapped, 8-row panels.
  if (!packInWasm(wasm, bAt, rawAt, b, bOffset, bColStride, bRowStride, n, np, k, NR)) {
    packPanels(heap, bAt, b, bOffset, bColStride, bRowStride, n, np, k, NR);
  }
  if (tail !== null) stageBias(wasmHeap(wasm, rawAt), biasAt, tail.bias, n, np);
  for (let i0 = 0; i0 < m; i0 += rows) {
    const mc = Math.min(rows, m - i0);
    const mp = up(mc, MR);
    const ai = aOffset + i0 * aRowStride;
    if (inPlace !== null) {
      // The chunk's rows at rawAt, then room for the mp − mc padding rows the tile reads (their
      // C rows are not copied out).
      const row = inPlace === 'sgemmRowA';
      const size = row ? (mc - 1) * aRowStride + k : (k - 1) * aColStride + mc;
      heap = wasmHeap(wasm, rawAt + size + (mp - mc) * (row ? aRowStride : 1));
      heap.set((a as Float32Array).subarray(ai, ai + size), rawAt);
      wasm[inPlace](rawAt * 4, (row ? aRowStride : aColStride) * 4, bAt * 4, cAt * 4, mp, np, k);
      if (tail !== null) wasm[tail.fn](cAt * 4, biasAt * 4, mc, np);
      copyRowsOut(heap, cAt, out, outOffset + i0 * n, mc, n, np);
      continue;
    }
    if (!packInWasm(wasm, aAt, rawAt, a, ai, aRowStride, aColStride, mc, mp, k, MR)) {
      heap = wasmHeap(wasm, rawAt);
      packPanels(heap, aAt, a, ai, aRowStride, aColStride, mc, mp, k, MR);
    }
    heap = wasmHeap(wasm, rawAt);
    wasm.sgemm(aAt * 4, bAt * 4, cAt * 4, mp, np, k);
    if (tail !== null) wasm[tail.fn](cAt * 4, biasAt * 4, mc, np);
    copyRowsOut(heap, cAt, out, outOffset + i0 * n, mc, n, np);
  }
}

/** The bias add (and ReLU) run on C inside the instance memory: the export and the bias (null: zeros). */
interface Epilogue {
  fn: 'biasAdd' | 'biasRelu';
  bias: Float32Array | null;
}

/** The bias as np floats at `at` (zeros past n, and all zeros for no bias: a ReLU alone). */
function stageBias(heap: Float32Array, at: number, bias: Float32Array | null, n: number, np: number): void {
  if (bias === null) heap.fill(0, at, at + np);
  else {
    heap.set(bias.subarray(0, n), at);
    heap.fill(0, at + n, at + np);
  }
}

/**
 * The export that reads A in place, or null (pack it): `sgemmRowA` for a row-major float32 A
 * (column stride 1), `sgemmColA` for one whose rows are adjacent (row stride 1) when one chunk
 * holds all its rows (`whole`: a chunk would copy nearly all of its span).
 */
function inPlaceA(
  a: TypedArray,
  rs: number,
  cs: number,
  m: number,
  k: number,
  whole: boolean,
): 'sgemmRowA' | 'sgemmColA' | null {
  if (!(a instanceof Float32Array)) return null;
  if (cs === 1 && rs >= k) return 'sgemmRowA';
  return rs === 1 && cs >= m && whole ? 'sgemmColA' : null;
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
  wasm: WasmKernels,
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
  tail: Epilogue | null,
): boolean {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) return false;
  const threads = wasmThreads(wasm);
  if (m < 2 * MIN_BAND) return false;
  const np = up(n, NR);
  const mp = up(m, MR);
  const as = spanOf(aOffset, aRowStride, aColStride, m, k);
  const bs = spanOf(bOffset, bColStride, bRowStride, n, k);
  if (as.size > 2 * m * k + 1024 || bs.size > 2 * n * k + 1024) return false;
  // An A read in place on one thread is read in place by each band too (no packed-A region); the
  // last band's padding rows read up to mp − m rows past its span.
  const inPlace = inPlaceA(a, aRowStride, aColStride, m, k, true);
  const bAt = 0;
  const aAt = bAt + k * np;
  const cAt = aAt + (inPlace === null ? mp * k : 0);
  const rawA = cAt + mp * np;
  const rawB = up(rawA + as.size + (mp - m) * (inPlace === 'sgemmRowA' ? aRowStride : 1), 4);
  const biasAt = up(rawB + bs.size, 4);
  const total = biasAt + (tail === null ? 0 : np);
  if (total > MAX_PARALLEL_FLOATS) return false;
  let job = wasmJob(wasm);
  const mem = wasmHeap(wasm, total);
  mem.set(b.subarray(bs.lo, bs.lo + bs.size), rawB);
  if (tail !== null) stageBias(mem, biasAt, tail.bias, n, np);
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
          ...packCall(
            (bAt + pc * np + r0 * kc) * 4,
            (bSrc + r0 * bColStride + pc * bRowStride) * 4,
            bColStride,
            bRowStride,
            Math.min(r1, n) - r0,
            r1 - r0,
            kc,
            NR,
          ),
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
    const task = job.task();
    const src = (aSrc + i0 * aRowStride) * 4;
    const c = (cAt + i0 * np) * 4;
    const band = inPlace
      ? task.call(
          inPlace,
          src,
          (inPlace === 'sgemmRowA' ? aRowStride : aColStride) * 4,
          bAt * 4,
          c,
          mb,
          np,
          k,
        )
      : task
          .call(...packCall((aAt + i0 * k) * 4, src, aRowStride, aColStride, mc, mb, k, MR))
          .call('sgemm', (aAt + i0 * k) * 4, bAt * 4, c, mb, np, k);
    if (tail !== null) band.call(tail.fn, c, biasAt * 4, mc, np);
  }
  job.run(() => touchPages(out, outOffset, m * n));
  copyRowsOut(mem, cAt, out, outOffset, m, n, np);
  return true;
}

/**
 * The export that packs a rows×k view (byte addresses `dst`, `src`; strides in elements) and its
 * arguments: `packAdjacent` when its rows are adjacent in memory (rs = 1: a transposed view, the
 * dYᵀ of a weight gradient, the Bᵀ of a row-major B; 16 rows per pass over k, 2–5× faster than
 * `pack` there), else `pack`; the same layout either way. The one place that choice is made, so
 * the single-thread and pooled paths pack the same bits.
 */
function packCall(
  dst: number,
  src: number,
  rs: number,
  cs: number,
  rows: number,
  rowsPadded: number,
  k: number,
  w: number,
): ['packAdjacent' | 'pack', ...number[]] {
  return rs === 1
    ? ['packAdjacent', dst, src, cs, rows, rowsPadded, k, w]
    : ['pack', dst, src, rs, cs, rows, rowsPadded, k, w];
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
function stagedBatchedMatmul(
  outView: MatrixOut,
  av: MatrixBatchView,
  bv: MatrixBatchView,
  m: number,
  n: number,
  k: number,
  count: number,
): boolean {
  const { data: out, offset: outOffset } = outView;
  const { data: a, offsets: aOffsets, rowStride: aRowStride, colStride: aColStride } = av;
  const { data: b, offsets: bOffsets, rowStride: bRowStride, colStride: bColStride } = bv;
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
      ? wasmKernels()
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
  const mem = wasmHeap(wasm, itemsAt + perRound * item);
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
        .call(...packCall(ap * 4, (rawA + aOffsets[t]! - as.lo) * 4, aRowStride, aColStride, m, mp, k, MR))
        .call(...packCall(bp * 4, (rawB + bOffsets[t]! - bs.lo) * 4, bColStride, bRowStride, n, np, k, NR))
        .call('sgemm', ap * 4, bp * 4, cp * 4, mp, np, k);
    }
    // The products' rows of a fresh `out` are paged in by this thread while the workers compute.
    job.run(() => touchPages(out, outOffset + t0 * m * n, round * m * n));
    for (let r = 0; r < round; r++) {
      copyRowsOut(mem, itemsAt + r * item + mp * k + k * np, out, outOffset + (t0 + r) * m * n, m, n, np);
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
  wasm: WasmKernels,
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
  const mem = wasmHeap(wasm, rawAt + size);
  mem.set(src.subarray(lo, lo + size), rawAt);
  const [fn, ...args] = packCall(dst * 4, (rawAt + off - lo) * 4, rs, cs, rows, rowsPadded, k, w);
  (wasm[fn] as (...a: number[]) => void)(...args);
  return true;
}

/**
 * The `batchedMatmul` of the `wasm` backend: all products staged, packed and multiplied as one
 * job (split over threads after setNumThreads) when they qualify, else one {@link wasmMatmul}
 * per product.
 */
export function wasmBatchedMatmul(
  out: MatrixOut,
  a: MatrixBatchView,
  b: MatrixBatchView,
  m: number,
  n: number,
  k: number,
  count: number,
): void {
  if (!stagedBatchedMatmul(out, a, b, m, n, k, count)) batchByProduct(wasmMatmul, out, a, b, m, n, k, count);
}
