import type { Job } from '../threads/pool.js';
import {
  type WasmKernels,
  wasmHeap,
  wasmJob,
  wasmKernels,
  wasmLocalKernels,
  wasmThreads,
} from '../wasm/instance.js';
import type { AttentionRows, FlashAttentionShape } from './backend.js';
import { KC, up, WASM_MR, WASM_NR } from './constants.js';
import { type ExpRows, jsExpRows } from './exp-rows.js';
import { type TileOps, tiledAttentionBackward, tiledAttentionForward } from './flash-attention.js';
import { packPanels } from './pack.js';
import {
  fillLimits,
  MAX_WASM_FLOATS,
  span,
  WASM_TILE,
  wasmBackwardBatch,
  wasmForwardBatch,
} from './wasm-attention-batch.js';
import { copyRowsOut, wasmMatmul } from './wasm-matmul.js';

// The whole FlashAttention tile loop in WebAssembly (src/wasm/sgemm.wat flashForward /
// flashBackward): each problem's operands are laid out in the instance memory once (O(L·d)), and
// the score tiles, exponentials and tile products never cross into JavaScript. Problems too large
// for it run the JavaScript tile loop with this backend's products and exponentials.

/**
 * {@link ExpRows} with f32x4 in WebAssembly (a Cephes-style polynomial expf, within 2 ulp of
 * Math.exp in float32), or with Math.exp where WebAssembly is unavailable.
 */
export const wasmExpRows: ExpRows = (s, rows, stride, counts, shifts, sums) => {
  const wasm = wasmLocalKernels();
  if (wasm === null) {
    jsExpRows(s, rows, stride, counts, shifts, sums);
    return;
  }
  const size = rows * stride;
  const mem = wasmHeap(wasm, size);
  mem.set(s.subarray(0, size), 0);
  for (let i = 0; i < rows; i++) {
    sums[i] = counts[i]! > 0 ? wasm.expShiftSum(i * stride * 4, counts[i]!, shifts[i]!) : 0;
  }
  s.set(mem.subarray(0, size));
};

const wasmTileOps: TileOps = { matmul: wasmMatmul, expRows: wasmExpRows };

/** The `flashAttentionForward` of the `wasm` backend (see {@link tiledAttentionForward} for the contract). */
export function wasmFlashAttentionForward(
  q: AttentionRows,
  k: AttentionRows,
  v: AttentionRows,
  out: AttentionRows<Float32Array>,
  lse: Float32Array,
  shape: FlashAttentionShape,
): void {
  const wasm = fusedWasm(shape);
  if (
    wasm !== null &&
    (wasmForwardBatch(wasm, q, k, v, out, lse, shape) || wasmForward(wasm, q, k, v, out, lse, shape))
  ) {
    return;
  }
  tiledAttentionForward(wasmTileOps, q, k, v, out, lse, shape);
}

/** The `flashAttentionBackward` of the `wasm` backend (see {@link tiledAttentionBackward}). */
export function wasmFlashAttentionBackward(
  q: AttentionRows,
  k: AttentionRows,
  v: AttentionRows,
  out: AttentionRows<Float32Array>,
  lse: Float32Array,
  dOut: AttentionRows,
  dq: AttentionRows<Float32Array>,
  dk: AttentionRows<Float32Array>,
  dvOut: AttentionRows<Float32Array>,
  shape: FlashAttentionShape,
): void {
  const wasm = fusedWasm(shape);
  if (
    wasm !== null &&
    (wasmBackwardBatch(wasm, q, k, v, out, lse, dOut, dq, dk, dvOut, shape) ||
      wasmBackward(wasm, q, k, v, out, lse, dOut, dq, dk, dvOut, shape))
  ) {
    return;
  }
  tiledAttentionBackward(wasmTileOps, q, k, v, out, lse, dOut, dq, dk, dvOut, shape);
}

/** The WebAssembly instance when the fused kernels can take the problem (non-empty), else null. */
function fusedWasm(shape: FlashAttentionShape): WasmKernels | null {
  const { numQueries, numKeys, d, dv } = shape;
  if (numQueries < 1 || numKeys < 1 || d < 1 || dv < 1) return null;
  return wasmKernels();
}

/**
 * {@link packPanels} of problem h's rows of `m`, as a call of the module's `pack` export appended
 * to the current task of `job` after one copy of the rows into the staging area at rawAt (same
 * layout while cols ≤ KC, one k-block of `pack`), so the packing runs on whichever thread takes
 * the task; in JavaScript right away otherwise.
 */
function panels(
  job: Job,
  mem: Float32Array,
  at: number,
  rawAt: number,
  m: AttentionRows,
  h: number,
  rows: number,
  rowsPadded: number,
  cols: number,
  w: number,
): void {
  const { data, rowStride } = m;
  const off = m.offsets[h]!;
  if (cols > KC || !(data instanceof Float32Array)) {
    // One k-block of any width: the fused kernels read each panel's columns contiguously.
    packPanels(mem, at, data, off, rowStride, 1, rows, rowsPadded, cols, w, cols);
    return;
  }
  // The rows' whole span in one copy (a head-split view's span holds the other heads' rows too);
  // `pack` reads it through the row stride.
  mem.set(data.subarray(off, off + span(rows, rowStride, cols)), rawAt);
  job.call('pack', at * 4, rawAt * 4, rowStride, 1, rows, rowsPadded, cols, w);
}

/**
 * Copies problem h's rows × cols of `m` to mem[at] row-major with rows padded to colsPadded and
 * zero rows up to rowsPadded: one copy when the rows are adjacent, else row by row (a head-split
 * view read in place).
 */
function copyRows(
  mem: Float32Array,
  at: number,
  m: AttentionRows,
  h: number,
  rows: number,
  rowsPadded: number,
  cols: number,
  colsPadded: number,
): void {
  const { data: src, rowStride: rs } = m;
  const off = m.offsets[h]!;
  if (cols === colsPadded && rs === cols && src instanceof Float32Array) {
    mem.set(src.subarray(off, off + rows * cols), at);
  } else {
    for (let i = 0; i < rows; i++) {
      const o = at + i * colsPadded;
      const p = off + i * rs;
      for (let c = 0; c < cols; c++) mem[o + c] = src[p + c]!;
      if (cols < colsPadded) mem.fill(0, o + cols, o + colsPadded);
    }
  }
  mem.fill(0, at + rows * colsPadded, at + rowsPadded * colsPadded);
}

/** Copies rows × cols of mem[at] (rows padded to colsPadded) into problem h's rows of `m`. */
function rowsOut(
  mem: Float32Array,
  at: number,
  m: AttentionRows<Float32Array>,
  h: number,
  rows: number,
  cols: number,
  colsPadded: number,
): void {
  const { data: dst, rowStride: rs } = m;
  const off = m.offsets[h]!;
  if (rs === cols) {
    copyRowsOut(mem, at, dst, off, rows, cols, colsPadded);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const o = at + i * colsPadded;
    const p = off + i * rs;
    for (let c = 0; c < cols; c++) dst[p + c] = mem[o + c]!;
  }
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

function wasmForward(
  wasm: WasmKernels,
  q: AttentionRows,
  k: AttentionRows,
  v: AttentionRows,
  out: AttentionRows<Float32Array>,
  lse: Float32Array,
  shape: FlashAttentionShape,
): boolean {
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const lqp = up(lq, WASM_MR);
  const lkp = up(lk, WASM_NR);
  const dvp = up(dv, WASM_NR);
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
    rawQ: span(lq, q.rowStride, d),
    rawK: span(lk, k.rowStride, d),
  });
  const { qp, kp, vr, o, m, l } = at;
  return inGroups(
    wasm,
    heads,
    per,
    (job, mem, lim, h, r) => {
      job.task();
      panels(job, mem, r + qp, r + at.rawQ, q, h, lq, lqp, d, WASM_MR);
      panels(job, mem, r + kp, r + at.rawK, k, h, lk, lkp, d, WASM_NR);
      copyRows(mem, r + vr, v, h, lk, lkp, dv, dvp);
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
      rowsOut(mem, r + o, out, h, lq, dv, dvp);
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
  q: AttentionRows,
  k: AttentionRows,
  v: AttentionRows,
  out: AttentionRows<Float32Array>,
  lse: Float32Array,
  dOut: AttentionRows,
  dq: AttentionRows<Float32Array>,
  dk: AttentionRows<Float32Array>,
  dvOut: AttentionRows<Float32Array>,
  shape: FlashAttentionShape,
): boolean {
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const lqp = up(lq, WASM_MR);
  const lkp = up(lk, WASM_NR);
  const dp = up(d, WASM_NR);
  const dvp = up(dv, WASM_NR);
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
    rawQ: span(lq, q.rowStride, d),
    rawK: span(lk, k.rowStride, d),
    rawV: span(lk, v.rowStride, dv),
    rawDO: span(lq, dOut.rowStride, dv),
  });
  return inGroups(
    wasm,
    heads,
    per,
    (job, mem, lim, h, r) => {
      mem.fill(0, r + a.s, r + a.t + WASM_TILE);
      job.task();
      panels(job, mem, r + a.qp, r + a.rawQ, q, h, lq, lqp, d, WASM_MR);
      copyRows(mem, r + a.qr, q, h, lq, lqp, d, dp);
      panels(job, mem, r + a.kp, r + a.rawK, k, h, lk, lkp, d, WASM_NR);
      copyRows(mem, r + a.kr, k, h, lk, lkp, d, dp);
      panels(job, mem, r + a.vp, r + a.rawV, v, h, lk, lkp, dv, WASM_NR);
      panels(job, mem, r + a.dop, r + a.rawDO, dOut, h, lq, lqp, dv, WASM_MR);
      copyRows(mem, r + a.dor, dOut, h, lq, lqp, dv, dvp);
      // D_i = Σ_c dO_ic·O_ic in float64 (Algorithm 2, line 19's rowsum).
      const gd = dOut.data;
      const od = out.data;
      for (let i = 0; i < lq; i++) {
        let sum = 0;
        const g0 = dOut.offsets[h]! + i * dOut.rowStride;
        const o0 = out.offsets[h]! + i * out.rowStride;
        for (let c = 0; c < dv; c++) sum += gd[g0 + c]! * od[o0 + c]!;
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
      rowsOut(mem, r + a.dq, dq, h, lq, d, dp);
      rowsOut(mem, r + a.dk, dk, h, lk, d, dp);
      rowsOut(mem, r + a.dv, dvOut, h, lk, dv, dvp);
    },
  );
}
