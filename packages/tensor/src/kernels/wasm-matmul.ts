import type { TypedArray } from '../dtype.js';
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

/** The instance (created on first use), or null where WebAssembly SIMD is unavailable. */
export function wasmKernels(): WasmKernels | null {
  return load();
}

/**
 * The instance memory as float32, grown to at least `floats` elements; any earlier view of it is
 * invalid after this call (growing detaches the old buffer).
 */
export function wasmHeap(wasm: WasmKernels, floats: number): Float32Array {
  return reserve(wasm, floats);
}

/** Decodes base64 without `node:` imports or `Buffer` (atob exists in browsers, workers and Node ≥ 16). */
function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const bytes = decode(SGEMM_WASM_BASE64);

/** Whether this engine validates the SIMD module (WebAssembly with 128-bit SIMD). */
export const wasmSimdSupported: boolean =
  typeof WebAssembly === 'object' &&
  typeof WebAssembly.validate === 'function' &&
  WebAssembly.validate(bytes);

let instance: Sgemm | null = null;
/** Set when instantiation failed (e.g. a CSP without 'wasm-unsafe-eval'): stay on JavaScript. */
let failed = !wasmSimdSupported;
/** Float32 view of the instance memory; rebuilt after the memory grows (the old buffer detaches). */
let heap = new Float32Array(0);

/** The instance, created synchronously on first use (the module is < 4 KB, so browsers allow it). */
function load(): Sgemm | null {
  if (instance !== null || failed) return instance;
  try {
    const module = new WebAssembly.Module(bytes);
    const exports = new WebAssembly.Instance(module, {}).exports as unknown as Sgemm;
    instance = exports;
    heap = new Float32Array(exports.memory.buffer);
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
  if (heap.buffer !== wasm.memory.buffer) heap = new Float32Array(wasm.memory.buffer);
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
  const np = Math.ceil(n / NR) * NR;
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
  // Rows per chunk: a multiple of MR with (packed A + C) within CHUNK_FLOATS.
  const mpAll = Math.ceil(m / MR) * MR;
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
    const mp = Math.ceil(mc / MR) * MR;
    const ai = aOffset + i0 * aRowStride;
    if (!packInWasm(wasm, aAt, rawAt, a, ai, aRowStride, aColStride, mc, mp, k, MR)) {
      packA(heap, aAt, a, ai, aRowStride, aColStride, mc, mp, k);
    }
    wasm.sgemm(aAt * 4, bAt * 4, cAt * 4, mp, np, k);
    const mem = heap;
    const o = outOffset + i0 * n;
    if (np === n) out.set(mem.subarray(cAt, cAt + mc * n), o);
    else for (let i = 0; i < mc; i++) out.set(mem.subarray(cAt + i * np, cAt + i * np + n), o + i * n);
  }
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
  const lo = off + Math.min(0, (rows - 1) * rs) + Math.min(0, (k - 1) * cs);
  const hi = off + Math.max(0, (rows - 1) * rs) + Math.max(0, (k - 1) * cs);
  const span = hi - lo + 1;
  if (span > 2 * rows * k + 1024) return false;
  const mem = reserve(wasm, rawAt + span);
  mem.set(src.subarray(lo, hi + 1), rawAt);
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
