import type { TypedArray } from '../dtype.js';
import { type WasmKernels, wasmHeap, wasmJob, wasmThreads } from '../wasm/instance.js';
import type { AttentionRows, FlashAttentionShape } from './backend.js';
import { KC, up, WASM_ATTENTION_TILE, WASM_MR, WASM_NR } from './constants.js';
import { limitOf } from './flash-attention.js';

// The fused attention kernels over all (batch·heads) problems of a call at once
// (src/wasm/sgemm.wat flashForwardBatch / flashBackwardBatch): each operand's span is copied into
// the instance memory once, a table gives every problem's row addresses, and WebAssembly packs,
// solves and writes back each problem in its thread's scratch. Short sequences (G2P: ~10 letters,
// 512 problems a call) spent most of their time in the per-problem staging in JavaScript; the
// arithmetic is the per-problem kernels' own, so results are bit-identical to them.

/** Largest layout (floats, 1 GB) the WebAssembly attention kernels take; larger ones use the tile path. */
export const MAX_WASM_FLOATS = 1 << 28;

/** Score tile of the WebAssembly kernels: BR = BC = 64 (fixed in sgemm.wat), so 64·64 floats. */
export const WASM_TILE = WASM_ATTENTION_TILE * WASM_ATTENTION_TILE;

/** Floats from the first element of `rows` rows of `cols` at `rowStride` to the last. */
export function span(rows: number, rowStride: number, cols: number): number {
  return rows === 0 ? 0 : (rows - 1) * rowStride + cols;
}

/**
 * Each distinct data array of the operands, with the span [lo, hi) of it that the problems read
 * or write; operands that share an array (a fused QKV projection, its gradient) share one copy.
 */
class Staging {
  readonly arrays: TypedArray[] = [];
  readonly lo: number[] = [];
  readonly hi: number[] = [];
  readonly at: number[] = [];
  readonly outputs = new Set<number>();
  /** Elements the problems write into each array (outputs only). */
  readonly written: number[] = [];
  readonly inputs = new Set<number>();

  /** Registers problem rows × cols of `m` for all `heads` problems; the index of its array. */
  use(m: AttentionRows, heads: number, rows: number, cols: number, output: boolean): number {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let h = 0; h < heads; h++) {
      const o = m.offsets[h]!;
      if (o < lo) lo = o;
      if (o > hi) hi = o;
    }
    hi += span(rows, m.rowStride, cols);
    let i = this.arrays.indexOf(m.data);
    if (i < 0) {
      i = this.arrays.push(m.data) - 1;
      this.lo.push(lo);
      this.hi.push(hi);
      this.at.push(0);
      this.written.push(0);
    } else {
      this.lo[i] = Math.min(this.lo[i]!, lo);
      this.hi[i] = Math.max(this.hi[i]!, hi);
    }
    if (output) {
      this.outputs.add(i);
      this.written[i] = this.written[i]! + heads * rows * cols;
    } else {
      this.inputs.add(i);
    }
    return i;
  }

  /** Places the copies from float `from` on (16-byte aligned); the first float after them. */
  place(from: number): number {
    let at = from;
    for (let i = 0; i < this.arrays.length; i++) {
      this.at[i] = at;
      at += up(this.hi[i]! - this.lo[i]!, 4);
    }
    return at;
  }

  /** Byte address in the memory of element `offset` of array i. */
  address(i: number, offset: number): number {
    return (this.at[i]! + offset - this.lo[i]!) * 4;
  }

  /**
   * Copies each array's span in, except an output's whose problems write every element of it
   * (rows never overlap in an output, so as many elements written as the span holds cover it).
   */
  copyIn(mem: Float32Array): void {
    for (let i = 0; i < this.arrays.length; i++) {
      const size = this.hi[i]! - this.lo[i]!;
      if (!this.inputs.has(i) && this.written[i] === size) continue;
      mem.set(this.arrays[i]!.subarray(this.lo[i]!, this.hi[i]!), this.at[i]!);
    }
  }

  copyOut(mem: Float32Array): void {
    for (const i of this.outputs) {
      const at = this.at[i]!;
      (this.arrays[i] as Float32Array).set(mem.subarray(at, at + this.hi[i]! - this.lo[i]!), this.lo[i]!);
    }
  }
}

/**
 * True when the batched kernels take the problem: every depth fits one packing k-block, the row
 * strides are non-negative, and no output shares an array with an input (the copies back would
 * overwrite it).
 */
function batchable(shape: FlashAttentionShape, inputs: AttentionRows[], outputs: AttentionRows[]): boolean {
  if (shape.d > KC || shape.dv > KC || shape.heads < 1) return false;
  for (const m of [...inputs, ...outputs]) if (m.rowStride < 0) return false;
  for (const o of outputs) for (const m of inputs) if (o.data === m.data) return false;
  return true;
}

/** Each query row's key limit for problem h at lim[at], clamped to [0, numKeys], zero for padding rows. */
export function fillLimits(
  lim: Int32Array,
  at: number,
  shape: FlashAttentionShape,
  h: number,
  lqp: number,
): void {
  const { numQueries: lq, numKeys: lk } = shape;
  if (shape.limits === null) lim.fill(lk, at, at + lq);
  else for (let i = 0; i < lq; i++) lim[at + i] = Math.min(lk, Math.max(0, limitOf(shape, h, i)));
  lim.fill(0, at + lq, at + lqp);
}

/** Every problem's key limits, lqp i32 each, from ints[at]. */
function fillAllLimits(ints: Int32Array, at: number, shape: FlashAttentionShape, lqp: number): void {
  for (let h = 0; h < shape.heads; h++) fillLimits(ints, at + h * lqp, shape, h, lqp);
}

/** Problem ranges, one task each: one per thread twice over (so a busy core takes fewer). */
function taskCount(wasm: WasmKernels, heads: number): number {
  const threads = wasmThreads(wasm);
  return Math.min(heads, threads > 1 ? 2 * threads : 1);
}

/**
 * Writes each problem's row addresses at ints[table]: one i32 per operand (in `operands` order)
 * per problem, the byte address of its first row in the staged copy.
 */
function fillTable(
  ints: Int32Array,
  table: number,
  st: Staging,
  operands: readonly AttentionRows[],
  uses: readonly number[],
  heads: number,
): void {
  const w = operands.length;
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < w; j++) ints[table + w * h + j] = st.address(uses[j]!, operands[j]!.offsets[h]!);
  }
}

/**
 * Runs `fn` over problems [0, heads) split into `tasks` ranges, one job task each, as
 * fn(...lead, h0, h1, its scratch's byte address, ...rest); each task's scratch is `per` floats.
 */
function runTasks(
  wasm: WasmKernels,
  fn: 'flashForwardBatch' | 'flashBackwardBatch',
  heads: number,
  tasks: number,
  lead: readonly number[],
  scratch: number,
  per: number,
  rest: readonly number[],
): void {
  const job = wasmJob(wasm);
  const chunk = Math.ceil(heads / tasks);
  for (let t = 0; t * chunk < heads; t++) {
    const h0 = t * chunk;
    job.task();
    job.call(fn, ...lead, h0, Math.min(heads, h0 + chunk), (scratch + t * per) * 4, ...rest);
  }
  job.run();
}

/**
 * The `flashAttentionForward` of the wasm backend for all problems in one staging (see
 * {@link tiledAttentionForward} for the contract); false, with nothing written, when
 * {@link batchable} refuses the call or it needs more than 1 GB.
 */
export function wasmForwardBatch(
  wasm: WasmKernels,
  q: AttentionRows,
  k: AttentionRows,
  v: AttentionRows,
  out: AttentionRows<Float32Array>,
  lse: Float32Array,
  shape: FlashAttentionShape,
): boolean {
  if (!batchable(shape, [q, k, v], [out])) return false;
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const lqp = up(lq, WASM_MR);
  const lkp = up(lk, WASM_NR);
  const dvp = up(dv, WASM_NR);
  const st = new Staging();
  const operands = [q, k, v, out];
  const uses = [
    st.use(q, heads, lq, d, false),
    st.use(k, heads, lk, d, false),
    st.use(v, heads, lk, dv, false),
    st.use(out, heads, lq, dv, true),
  ];
  const table = st.place(0);
  const lim = table + 4 * heads;
  const ml = lim + heads * lqp;
  const scratch = ml + 2 * heads * lqp;
  // Multiples of 4 floats each (lqp, lkp and dvp are), so every region stays 16-byte aligned.
  const per = lqp * d + lkp * d + lkp * dvp + lqp * dvp + WASM_TILE;
  const tasks = taskCount(wasm, heads);
  const total = scratch + tasks * per;
  if (total > MAX_WASM_FLOATS) return false;

  const mem = wasmHeap(wasm, total);
  const ints = new Int32Array(mem.buffer);
  st.copyIn(mem);
  fillTable(ints, table, st, operands, uses, heads);
  fillAllLimits(ints, lim, shape, lqp);
  runTasks(wasm, 'flashForwardBatch', heads, tasks, [table * 4, lim * 4, ml * 4], scratch, per, [
    q.rowStride,
    k.rowStride,
    v.rowStride,
    out.rowStride,
    lq,
    lk,
    lqp,
    lkp,
    d,
    dv,
    dvp,
    scale,
  ]);
  st.copyOut(mem);
  for (let h = 0; h < heads; h++) {
    const m = ml + 2 * h * lqp;
    for (let i = 0; i < lq; i++) {
      const sum = mem[m + lqp + i]!;
      lse[h * lq + i] = sum > 0 ? mem[m + i]! + Math.log(sum) : Number.NEGATIVE_INFINITY;
    }
  }
  return true;
}

/**
 * The `flashAttentionBackward` of the wasm backend for all problems in one staging (see
 * {@link tiledAttentionBackward}); false, with nothing written, as {@link wasmForwardBatch}.
 */
export function wasmBackwardBatch(
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
  if (!batchable(shape, [q, k, v, out, dOut], [dq, dk, dvOut])) return false;
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const lqp = up(lq, WASM_MR);
  const lkp = up(lk, WASM_NR);
  const dp = up(d, WASM_NR);
  const dvp = up(dv, WASM_NR);
  const st = new Staging();
  const operands = [q, k, v, out, dOut, dq, dk, dvOut];
  const uses = [
    st.use(q, heads, lq, d, false),
    st.use(k, heads, lk, d, false),
    st.use(v, heads, lk, dv, false),
    st.use(out, heads, lq, dv, false),
    st.use(dOut, heads, lq, dv, false),
    st.use(dq, heads, lq, d, true),
    st.use(dk, heads, lk, d, true),
    st.use(dvOut, heads, lk, dv, true),
  ];
  const table = st.place(0);
  const lim = table + 8 * heads;
  const lseAt = lim + heads * lqp;
  const scratch = lseAt + up(heads * lq, 4);
  // sgemm.wat flashBackwardBatch's layout: qp qr kp kr vp dop dor D s t dQ dK dV
  const per =
    lqp * d +
    lqp * dp +
    lkp * d +
    lkp * dp +
    lkp * dv +
    lqp * dv +
    lqp * dvp +
    lqp +
    2 * WASM_TILE +
    lqp * dp +
    lkp * dp +
    lkp * dvp;
  const tasks = taskCount(wasm, heads);
  const total = scratch + tasks * per;
  if (total > MAX_WASM_FLOATS) return false;

  const mem = wasmHeap(wasm, total);
  const ints = new Int32Array(mem.buffer);
  st.copyIn(mem);
  fillTable(ints, table, st, operands, uses, heads);
  fillAllLimits(ints, lim, shape, lqp);
  mem.set(lse.subarray(0, heads * lq), lseAt);
  runTasks(wasm, 'flashBackwardBatch', heads, tasks, [table * 4, lim * 4, lseAt * 4], scratch, per, [
    q.rowStride,
    k.rowStride,
    v.rowStride,
    out.rowStride,
    dOut.rowStride,
    dq.rowStride,
    dk.rowStride,
    dvOut.rowStride,
    lq,
    lk,
    lqp,
    lkp,
    d,
    dp,
    dv,
    dvp,
    scale,
  ]);
  st.copyOut(mem);
  return true;
}
