import type { TypedArray } from '../dtype.js';
import type { Job } from '../threads/pool.js';
import { kernels } from './registry.js';
import {
  copyRowsOut,
  expRows,
  up,
  type WasmKernels,
  wasmHeap,
  wasmJob,
  wasmKernels,
  wasmMatmulKernel,
  wasmThreads,
} from './wasm-matmul.js';

// Two implementations. With the WebAssembly `matmul` kernel active (the default where SIMD is
// available), each problem's q, k, v are laid out in the instance memory once and the whole tile
// loop (score tiles, online softmax, tile products) runs in src/wasm/sgemm.wat (64×64 tiles,
// 4×8 f32x4 register tiles). Otherwise (setBackend('js'), a custom matmul, no SIMD) the loop runs
// here with tile products through kernels.matmul, BR×BC = 64×128 so a call is amortised.
const BR = 64;
const BC = 128;

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

/** Scratch for one call, allocated once per call (O(tile), independent of the sequence lengths). */
function scratch(dv: number, d: number) {
  return {
    s: new Float32Array(BR * BC),
    pv: new Float32Array(BR * Math.max(dv, d)),
    t: new Float32Array(BC * Math.max(dv, d)),
  };
}

/** Number of keys row i of problem h may see. */
function limitOf(shape: FlashAttentionShape, h: number, i: number): number {
  return shape.limits === null ? shape.numKeys : shape.limits[h * shape.numQueries + i]!;
}

/**
 * Fused scaled dot-product attention forward (FlashAttention, Dao et al. 2022, Algorithm 1):
 * out = softmax(scale·QKᵀ, masked)·V and lse = log Σⱼ exp(scale·qᵢ·kⱼ) per row, one BR-row tile of
 * queries at a time against BC-key tiles, with an online softmax (running max m, running sum l,
 * rescaled accumulator), so no (queries × keys) matrix is ever stored.
 *
 * q (heads, numQueries, d), k (heads, numKeys, d), v (heads, numKeys, dv) contiguous from offset 0;
 * writes out (heads, numQueries, dv) and lse (heads, numQueries). Key tiles past every row's limit
 * are skipped (causal tiles above the diagonal, padding), and in WebAssembly so are the 4×8
 * sub-tiles of a diagonal tile that no row of theirs sees. A row that sees no key gets out = 0 and
 * lse = −∞.
 */
export function flashAttentionForward(
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  out: Float32Array,
  lse: Float32Array,
  shape: FlashAttentionShape,
): void {
  const wasm = fusedWasm(shape);
  if (wasm !== null && wasmForward(wasm, q, k, v, out, lse, shape)) return;
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const { s, pv } = scratch(dv, d);
  const rowMax = new Float64Array(BR);
  const rowSum = new Float64Array(BR);
  const acc = new Float64Array(BR * dv);
  const limit = new Int32Array(BR);
  const counts = new Int32Array(BR);
  const newMax = new Float64Array(BR);
  const sums = new Float64Array(BR);
  for (let h = 0; h < heads; h++) {
    const qh = h * lq * d;
    const kh = h * lk * d;
    const vh = h * lk * dv;
    for (let i0 = 0; i0 < lq; i0 += BR) {
      const br = Math.min(BR, lq - i0);
      let tileLimit = 0;
      for (let i = 0; i < br; i++) {
        limit[i] = Math.min(lk, Math.max(0, limitOf(shape, h, i0 + i)));
        tileLimit = Math.max(tileLimit, limit[i]!);
        rowMax[i] = Number.NEGATIVE_INFINITY;
        rowSum[i] = 0;
      }
      acc.fill(0, 0, br * dv);
      for (let j0 = 0; j0 < tileLimit; j0 += BC) {
        const bc = Math.min(BC, tileLimit - j0);
        // S = Q_i·K_jᵀ (br × bc): K_j read as a (d × bc) matrix through its strides.
        kernels.matmul(s, 0, q, qh + i0 * d, d, 1, k, kh + j0 * d, 1, d, br, bc, d);
        // m_new = max(m, max_j scale·s_ij) over the visible keys (Algorithm 1, line 10).
        for (let i = 0; i < br; i++) {
          const row = i * bc;
          const visible = Math.max(0, Math.min(bc, limit[i]! - j0));
          let m = rowMax[i]!;
          for (let j = row; j < row + visible; j++) {
            const x = scale * s[j]!;
            s[j] = x;
            if (x > m) m = x;
          }
          s.fill(0, row + visible, row + bc);
          counts[i] = visible;
          newMax[i] = m;
        }
        // p_ij = exp(scale·s_ij − m_new), in place, with the row sums.
        expRows(s, br, bc, counts, newMax, sums);
        // l = e^(m_old − m_new)·l + Σp; the accumulator is rescaled by the same factor (line 11).
        for (let i = 0; i < br; i++) {
          if (counts[i] === 0) continue;
          const alpha = Math.exp(rowMax[i]! - newMax[i]!);
          rowSum[i] = alpha * rowSum[i]! + sums[i]!;
          rowMax[i] = newMax[i]!;
          if (alpha !== 1) for (let c = i * dv; c < (i + 1) * dv; c++) acc[c] = acc[c]! * alpha;
        }
        // acc += P·V_j (br × dv).
        kernels.matmul(pv, 0, s, 0, bc, 1, v, vh + j0 * dv, dv, 1, br, dv, bc);
        for (let c = 0; c < br * dv; c++) acc[c] = acc[c]! + pv[c]!;
      }
      // out = acc / l, lse = m + log l (line 12–13); a row that sees nothing stays 0 with lse −∞.
      for (let i = 0; i < br; i++) {
        const l = rowSum[i]!;
        const o = (h * lq + i0 + i) * dv;
        const inv = l > 0 ? 1 / l : 0;
        for (let c = 0; c < dv; c++) out[o + c] = acc[i * dv + c]! * inv;
        lse[h * lq + i0 + i] = l > 0 ? rowMax[i]! + Math.log(l) : Number.NEGATIVE_INFINITY;
      }
    }
  }
}

/**
 * Backward of {@link flashAttentionForward} (Dao et al. 2022, Algorithm 2): recomputes each
 * probability tile P = exp(scale·Q_iK_jᵀ − lse_i) from the saved log-sum-exp instead of storing
 * it, then accumulates dV_j += Pᵀ·dO_i, dS = P ∘ (dO_i·V_jᵀ − D_i) with D_i = rowsum(dO_i ∘ O_i),
 * dQ_i += scale·dS·K_j and dK_j += scale·dSᵀ·Q_i. Writes dq, dk, dv (same layouts as q, k, v).
 */
export function flashAttentionBackward(
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  out: Float32Array,
  lse: Float32Array,
  dOut: TypedArray,
  dq: Float32Array,
  dk: Float32Array,
  dvOut: Float32Array,
  shape: FlashAttentionShape,
): void {
  const wasm = fusedWasm(shape);
  if (wasm !== null && wasmBackward(wasm, q, k, v, out, lse, dOut, dq, dk, dvOut, shape)) return;
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const { s, pv: tq, t } = scratch(dv, d);
  const dp = new Float32Array(BR * BC);
  const rowDot = new Float64Array(lq);
  const limits = new Int32Array(lq);
  const counts = new Int32Array(BR);
  const shifts = new Float64Array(BR);
  const sums = new Float64Array(BR);
  dq.fill(0);
  dk.fill(0);
  dvOut.fill(0);
  for (let h = 0; h < heads; h++) {
    const qh = h * lq * d;
    const kh = h * lk * d;
    const vh = h * lk * dv;
    const oh = h * lq * dv;
    // D_i = Σ_c dO_ic·O_ic (Algorithm 2, line 19's rowsum), and each row's key limit.
    for (let i = 0; i < lq; i++) {
      let sum = 0;
      for (let c = 0; c < dv; c++) sum += dOut[oh + i * dv + c]! * out[oh + i * dv + c]!;
      rowDot[i] = sum;
      limits[i] = Math.min(lk, Math.max(0, limitOf(shape, h, i)));
    }
    for (let j0 = 0; j0 < lk; j0 += BC) {
      const bc = Math.min(BC, lk - j0);
      for (let i0 = 0; i0 < lq; i0 += BR) {
        const br = Math.min(BR, lq - i0);
        let tileLimit = 0;
        for (let i = 0; i < br; i++) tileLimit = Math.max(tileLimit, limits[i0 + i]!);
        if (tileLimit <= j0) continue; // every row of this tile is masked for these keys
        // P = exp(scale·Q_iK_jᵀ − lse_i), zero where masked (line 13).
        kernels.matmul(s, 0, q, qh + i0 * d, d, 1, k, kh + j0 * d, 1, d, br, bc, d);
        for (let i = 0; i < br; i++) {
          const row = i * bc;
          const visible = Math.max(0, Math.min(bc, limits[i0 + i]! - j0));
          for (let j = row; j < row + visible; j++) s[j] = scale * s[j]!;
          s.fill(0, row + visible, row + bc);
          counts[i] = visible;
          shifts[i] = lse[h * lq + i0 + i]!;
        }
        expRows(s, br, bc, counts, shifts, sums);
        // dV_j += Pᵀ·dO_i (bc × dv) (line 16).
        kernels.matmul(t, 0, s, 0, 1, bc, dOut, oh + i0 * dv, dv, 1, bc, dv, br);
        for (let c = 0; c < bc * dv; c++) dvOut[vh + j0 * dv + c] = dvOut[vh + j0 * dv + c]! + t[c]!;
        // dP = dO_i·V_jᵀ (br × bc) (line 17); dS = P ∘ (dP − D_i), times scale for dQ and dK (line 19).
        kernels.matmul(dp, 0, dOut, oh + i0 * dv, dv, 1, v, vh + j0 * dv, 1, dv, br, bc, dv);
        for (let i = 0; i < br; i++) {
          const D = rowDot[i0 + i]!;
          for (let j = i * bc; j < (i + 1) * bc; j++) dp[j] = scale * s[j]! * (dp[j]! - D);
        }
        // dQ_i += dS·K_j (br × d) (line 20).
        kernels.matmul(tq, 0, dp, 0, bc, 1, k, kh + j0 * d, d, 1, br, d, bc);
        for (let c = 0; c < br * d; c++) dq[qh + i0 * d + c] = dq[qh + i0 * d + c]! + tq[c]!;
        // dK_j += dSᵀ·Q_i (bc × d) (line 21).
        kernels.matmul(t, 0, dp, 0, 1, bc, q, qh + i0 * d, d, 1, bc, d, br);
        for (let c = 0; c < bc * d; c++) dk[kh + j0 * d + c] = dk[kh + j0 * d + c]! + t[c]!;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The whole tile loop in WebAssembly (src/wasm/sgemm.wat flashForward / flashBackward): each
// problem's operands are laid out in the instance memory once (O(L·d)), and the score tiles,
// exponentials and tile products never cross into JavaScript.

/** Largest per-problem layout (floats, 1 GB) the WebAssembly kernels take; larger ones use the tile path. */
const MAX_WASM_FLOATS = 1 << 28;

/** Score tile of the WebAssembly kernels: BR = BC = 64 (fixed in sgemm.wat), so 64·64 floats. */
const WASM_TILE = 64 * 64;

/**
 * The WebAssembly instance when the fused kernels should use it: the `matmul` kernel is the
 * WebAssembly one (so `setBackend('js')` selects the float64-accumulating JavaScript path) and the
 * problem is non-empty.
 */
function fusedWasm(shape: FlashAttentionShape): WasmKernels | null {
  const { numQueries, numKeys, d, dv } = shape;
  if (kernels.matmul !== wasmMatmulKernel || numQueries < 1 || numKeys < 1 || d < 1 || dv < 1) return null;
  return wasmKernels();
}

/**
 * Lays the rows×cols row-major matrix at src[off] out as w-row micro-panels (each stored
 * column-major: w consecutive floats per column), zero rows up to rowsPadded.
 */
function packPanels(
  mem: Float32Array,
  at: number,
  src: TypedArray,
  off: number,
  rows: number,
  rowsPadded: number,
  cols: number,
  w: number,
): void {
  for (let i = 0; i < rowsPadded; i++) {
    let dst = at + (i - (i % w)) * cols + (i % w);
    const s = off + i * cols;
    if (i < rows) {
      for (let p = 0; p < cols; p++, dst += w) mem[dst] = src[s + p]!;
    } else {
      for (let p = 0; p < cols; p++, dst += w) mem[dst] = 0;
    }
  }
}

/**
 * {@link packPanels}, as a call of the module's `pack` export appended to the current task of
 * `job` after one copy of the rows into the staging area at rawAt (same layout while cols ≤ 256,
 * one k-block of `pack`), so the packing runs on whichever thread takes the task; in JavaScript
 * right away otherwise.
 */
function panels(
  job: Job,
  mem: Float32Array,
  at: number,
  rawAt: number,
  src: TypedArray,
  off: number,
  rows: number,
  rowsPadded: number,
  cols: number,
  w: number,
): void {
  if (cols > 256 || !(src instanceof Float32Array)) {
    packPanels(mem, at, src, off, rows, rowsPadded, cols, w);
    return;
  }
  mem.set(src.subarray(off, off + rows * cols), rawAt);
  job.call('pack', at * 4, rawAt * 4, cols, 1, rows, rowsPadded, cols, w);
}

/** Copies the rows×cols row-major matrix at src[off] with rows padded to colsPadded and zero rows up to rowsPadded. */
function copyRows(
  mem: Float32Array,
  at: number,
  src: TypedArray,
  off: number,
  rows: number,
  rowsPadded: number,
  cols: number,
  colsPadded: number,
): void {
  if (cols === colsPadded && src instanceof Float32Array) {
    mem.set(src.subarray(off, off + rows * cols), at);
  } else {
    for (let i = 0; i < rows; i++) {
      const o = at + i * colsPadded;
      for (let c = 0; c < cols; c++) mem[o + c] = src[off + i * cols + c]!;
      mem.fill(0, o + cols, o + colsPadded);
    }
  }
  mem.fill(0, at + rows * colsPadded, at + rowsPadded * colsPadded);
}

/** Bump allocator over float offsets, each region 16-byte aligned. */
function regions<K extends string>(sizes: Record<K, number>): { at: Record<K, number>; total: number } {
  const at = {} as Record<K, number>;
  let total = 0;
  for (const name of Object.keys(sizes) as K[]) {
    at[name] = total;
    total += up(sizes[name], 4);
  }
  return { at, total };
}

/** Each query row's key limit for problem h, clamped to [0, numKeys], zero for padding rows. */
function fillLimits(lim: Int32Array, at: number, shape: FlashAttentionShape, h: number, lqp: number): void {
  const { numQueries: lq, numKeys: lk } = shape;
  for (let i = 0; i < lq; i++) lim[at + i] = Math.min(lk, Math.max(0, limitOf(shape, h, i)));
  lim.fill(0, at + lq, at + lqp);
}

function wasmForward(
  wasm: WasmKernels,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  out: Float32Array,
  lse: Float32Array,
  shape: FlashAttentionShape,
): boolean {
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const lqp = up(lq, 4);
  const lkp = up(lk, 8);
  const dvp = up(dv, 8);
  // One region per problem in flight: its operands, staging rows and score tile.
  const { at, total: per } = regions({
    qp: lqp * d,
    kp: lkp * d,
    vr: lkp * dvp,
    o: lqp * dvp,
    m: lqp,
    l: lqp,
    lim: lqp,
    s: WASM_TILE,
    rawQ: lq * d,
    rawK: lk * d,
  });
  const { qp, kp, vr, o, m, l } = at;
  return inGroups(
    wasm,
    heads,
    per,
    (job, mem, lim, h, r) => {
      job.task();
      panels(job, mem, r + qp, r + at.rawQ, q, h * lq * d, lq, lqp, d, 4);
      panels(job, mem, r + kp, r + at.rawK, k, h * lk * d, lk, lkp, d, 8);
      copyRows(mem, r + vr, v, h * lk * dv, lk, lkp, dv, dvp);
      mem.fill(0, r + o, r + o + lqp * dvp);
      mem.fill(Number.NEGATIVE_INFINITY, r + m, r + m + lqp);
      mem.fill(0, r + l, r + l + lqp);
      fillLimits(lim, r + at.lim, shape, h, lqp);
      job.call(
        'flashForward',
        (r + qp) * 4,
        (r + kp) * 4,
        (r + vr) * 4,
        (r + o) * 4,
        (r + m) * 4,
        (r + l) * 4,
        (r + at.lim) * 4,
        (r + at.s) * 4,
        lqp,
        d,
        dvp,
        scale,
      );
    },
    (mem, h, r) => {
      copyRowsOut(mem, r + o, out, h * lq * dv, lq, dv, dvp);
      for (let i = 0; i < lq; i++) {
        const sum = mem[r + l + i]!;
        lse[h * lq + i] = sum > 0 ? mem[r + m + i]! + Math.log(sum) : Number.NEGATIVE_INFINITY;
      }
    },
  );
}

/**
 * Runs the `heads` problems in groups laid out at once — one per thread twice over (so a busy core
 * takes fewer), within MAX_WASM_FLOATS — each problem in its region of `per` floats at r = g·per:
 * `stage` writes problem h's task into the group's job, the job runs, then `collect` copies its
 * results out. False (nothing done) when even one problem does not fit.
 */
function inGroups(
  wasm: WasmKernels,
  heads: number,
  per: number,
  stage: (job: Job, mem: Float32Array, lim: Int32Array, h: number, r: number) => void,
  collect: (mem: Float32Array, h: number, r: number) => void,
): boolean {
  const threads = wasmThreads(wasm);
  let group = Math.min(heads, threads > 1 ? 2 * threads : 1);
  while (group > 0 && group * per > MAX_WASM_FLOATS) group--;
  if (group === 0) return false;
  const mem = wasmHeap(wasm, group * per);
  const lim = new Int32Array(mem.buffer);
  for (let h0 = 0; h0 < heads; h0 += group) {
    const count = Math.min(group, heads - h0);
    const job = wasmJob(wasm);
    for (let g = 0; g < count; g++) stage(job, mem, lim, h0 + g, g * per);
    job.run();
    for (let g = 0; g < count; g++) collect(mem, h0 + g, g * per);
  }
  return true;
}

function wasmBackward(
  wasm: WasmKernels,
  q: TypedArray,
  k: TypedArray,
  v: TypedArray,
  out: Float32Array,
  lse: Float32Array,
  dOut: TypedArray,
  dq: Float32Array,
  dk: Float32Array,
  dvOut: Float32Array,
  shape: FlashAttentionShape,
): boolean {
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const lqp = up(lq, 4);
  const lkp = up(lk, 8);
  const dp = up(d, 8);
  const dvp = up(dv, 8);
  const { at: a, total: per } = regions({
    qp: lqp * d,
    qr: lqp * dp,
    kp: lkp * d,
    kr: lkp * dp,
    vp: lkp * dv,
    dop: lqp * dv,
    dor: lqp * dvp,
    lse: lqp,
    rowDot: lqp,
    lim: lqp,
    s: WASM_TILE,
    t: WASM_TILE,
    dq: lqp * dp,
    dk: lkp * dp,
    dv: lkp * dvp,
    rawQ: lq * d,
    rawK: lk * d,
    rawV: lk * dv,
    rawDO: lq * dv,
  });
  return inGroups(
    wasm,
    heads,
    per,
    (job, mem, lim, h, r) => {
      const qh = h * lq * d;
      const kh = h * lk * d;
      const vh = h * lk * dv;
      const oh = h * lq * dv;
      mem.fill(0, r + a.s, r + a.t + WASM_TILE);
      job.task();
      panels(job, mem, r + a.qp, r + a.rawQ, q, qh, lq, lqp, d, 4);
      copyRows(mem, r + a.qr, q, qh, lq, lqp, d, dp);
      panels(job, mem, r + a.kp, r + a.rawK, k, kh, lk, lkp, d, 8);
      copyRows(mem, r + a.kr, k, kh, lk, lkp, d, dp);
      panels(job, mem, r + a.vp, r + a.rawV, v, vh, lk, lkp, dv, 8);
      panels(job, mem, r + a.dop, r + a.rawDO, dOut, oh, lq, lqp, dv, 4);
      copyRows(mem, r + a.dor, dOut, oh, lq, lqp, dv, dvp);
      // D_i = Σ_c dO_ic·O_ic in float64 (Algorithm 2, line 19's rowsum).
      for (let i = 0; i < lq; i++) {
        let sum = 0;
        for (let c = oh + i * dv; c < oh + (i + 1) * dv; c++) sum += dOut[c]! * out[c]!;
        mem[r + a.rowDot + i] = sum;
        mem[r + a.lse + i] = lse[h * lq + i]!;
      }
      mem.fill(0, r + a.rowDot + lq, r + a.rowDot + lqp);
      mem.fill(0, r + a.lse + lq, r + a.lse + lqp);
      fillLimits(lim, r + a.lim, shape, h, lqp);
      mem.fill(0, r + a.dq, r + a.dv + lkp * dvp);
      job.call(
        'flashBackward',
        (r + a.qp) * 4,
        (r + a.qr) * 4,
        (r + a.kp) * 4,
        (r + a.kr) * 4,
        (r + a.vp) * 4,
        (r + a.dop) * 4,
        (r + a.dor) * 4,
        (r + a.lse) * 4,
        (r + a.rowDot) * 4,
        (r + a.lim) * 4,
        (r + a.s) * 4,
        (r + a.t) * 4,
        (r + a.dq) * 4,
        (r + a.dk) * 4,
        (r + a.dv) * 4,
        lqp,
        lk,
        d,
        dp,
        dv,
        dvp,
        scale,
      );
    },
    (mem, h, r) => {
      copyRowsOut(mem, r + a.dq, dq, h * lq * d, lq, d, dp);
      copyRowsOut(mem, r + a.dk, dk, h * lk * d, lk, d, dp);
      copyRowsOut(mem, r + a.dv, dvOut, h * lk * dv, lk, dv, dvp);
    },
  );
}
