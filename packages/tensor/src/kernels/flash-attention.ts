import type { AttentionRows, Backend, FlashAttentionShape } from './backend.js';
import { JS_ATTENTION_BC as BC, JS_ATTENTION_BR as BR } from './constants.js';
import type { ExpRows } from './exp-rows.js';

// The FlashAttention tile loop with its tile products and exponentials supplied by a backend
// (BR×BC = 64×128, so a product call is amortised): the `js` backend's kernels, and the `wasm`
// backend's fallback for problems too large for its fused kernels (wasm-flash-attention.ts),
// which run the whole loop in src/wasm/sgemm.wat.

/** What the tile loop calls: a backend's product and its softmax exponentials. */
export interface TileOps {
  readonly matmul: Backend['matmul'];
  readonly expRows: ExpRows;
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
export function limitOf(shape: FlashAttentionShape, h: number, i: number): number {
  return shape.limits === null ? shape.numKeys : shape.limits[h * shape.numQueries + i]!;
}

/**
 * Fused scaled dot-product attention forward (FlashAttention, Dao et al. 2022, Algorithm 1):
 * out = softmax(scale·QKᵀ, masked)·V and lse = log Σⱼ exp(scale·qᵢ·kⱼ) per row, one BR-row tile of
 * queries at a time against BC-key tiles, with an online softmax (running max m, running sum l,
 * rescaled accumulator), so no (queries × keys) matrix is ever stored.
 *
 * Per problem h: q (numQueries × d), k (numKeys × d), v (numKeys × dv) read through their
 * {@link AttentionRows}; writes out (numQueries × dv) through its rows and lse (heads, numQueries)
 * row-major. Key tiles past every row's limit
 * are skipped (causal tiles above the diagonal, padding), and in WebAssembly so are the 4×8
 * sub-tiles of a diagonal tile that no row of theirs sees. A row that sees no key gets out = 0 and
 * lse = −∞.
 */
export function tiledAttentionForward(
  ops: TileOps,
  q: AttentionRows,
  k: AttentionRows,
  v: AttentionRows,
  out: AttentionRows<Float32Array>,
  lse: Float32Array,
  shape: FlashAttentionShape,
): void {
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const { s, pv } = scratch(dv, d);
  const { rowStride: qs } = q;
  const { rowStride: ks } = k;
  const { rowStride: vs } = v;
  const od = out.data;
  const rowMax = new Float64Array(BR);
  const rowSum = new Float64Array(BR);
  const acc = new Float64Array(BR * dv);
  const limit = new Int32Array(BR);
  const counts = new Int32Array(BR);
  const newMax = new Float64Array(BR);
  const sums = new Float64Array(BR);
  for (let h = 0; h < heads; h++) {
    const qh = q.offsets[h]!;
    const kh = k.offsets[h]!;
    const vh = v.offsets[h]!;
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
        ops.matmul(
          { data: s, offset: 0 },
          { data: q.data, offset: qh + i0 * qs, rowStride: qs, colStride: 1 },
          { data: k.data, offset: kh + j0 * ks, rowStride: 1, colStride: ks },
          br,
          bc,
          d,
        );
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
        ops.expRows(s, br, bc, counts, newMax, sums);
        // l = e^(m_old − m_new)·l + Σp; the accumulator is rescaled by the same factor (line 11).
        for (let i = 0; i < br; i++) {
          if (counts[i] === 0) continue;
          const alpha = Math.exp(rowMax[i]! - newMax[i]!);
          rowSum[i] = alpha * rowSum[i]! + sums[i]!;
          rowMax[i] = newMax[i]!;
          if (alpha !== 1) for (let c = i * dv; c < (i + 1) * dv; c++) acc[c] = acc[c]! * alpha;
        }
        // acc += P·V_j (br × dv).
        ops.matmul(
          { data: pv, offset: 0 },
          { data: s, offset: 0, rowStride: bc, colStride: 1 },
          { data: v.data, offset: vh + j0 * vs, rowStride: vs, colStride: 1 },
          br,
          dv,
          bc,
        );
        for (let c = 0; c < br * dv; c++) acc[c] = acc[c]! + pv[c]!;
      }
      // out = acc / l, lse = m + log l (line 12–13); a row that sees nothing stays 0 with lse −∞.
      for (let i = 0; i < br; i++) {
        const l = rowSum[i]!;
        const o = out.offsets[h]! + (i0 + i) * out.rowStride;
        const inv = l > 0 ? 1 / l : 0;
        for (let c = 0; c < dv; c++) od[o + c] = acc[i * dv + c]! * inv;
        lse[h * lq + i0 + i] = l > 0 ? rowMax[i]! + Math.log(l) : Number.NEGATIVE_INFINITY;
      }
    }
  }
}

/**
 * Backward of {@link tiledAttentionForward} (Dao et al. 2022, Algorithm 2): recomputes each
 * probability tile P = exp(scale·Q_iK_jᵀ − lse_i) from the saved log-sum-exp instead of storing
 * it, then accumulates dV_j += Pᵀ·dO_i, dS = P ∘ (dO_i·V_jᵀ − D_i) with D_i = rowsum(dO_i ∘ O_i),
 * dQ_i += scale·dS·K_j and dK_j += scale·dSᵀ·Q_i. Writes dq, dk, dv (numQueries × d,
 * numKeys × d, numKeys × dv per problem) through their rows; dOut is read like out.
 */
export function tiledAttentionBackward(
  ops: TileOps,
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
  const { heads, numQueries: lq, numKeys: lk, d, dv, scale } = shape;
  const { s, pv: tq, t } = scratch(dv, d);
  const { rowStride: qs } = q;
  const { rowStride: ks } = k;
  const { rowStride: vs } = v;
  const { rowStride: gs, data: gd } = dOut;
  const od = out.data;
  const dp = new Float32Array(BR * BC);
  const rowDot = new Float64Array(lq);
  const limits = new Int32Array(lq);
  const counts = new Int32Array(BR);
  const shifts = new Float64Array(BR);
  const sums = new Float64Array(BR);
  for (let h = 0; h < heads; h++) {
    zeroRows(dq, h, lq, d);
    zeroRows(dk, h, lk, d);
    zeroRows(dvOut, h, lk, dv);
  }
  for (let h = 0; h < heads; h++) {
    const qh = q.offsets[h]!;
    const kh = k.offsets[h]!;
    const vh = v.offsets[h]!;
    const gh = dOut.offsets[h]!;
    const oh = out.offsets[h]!;
    // D_i = Σ_c dO_ic·O_ic (Algorithm 2, line 19's rowsum), and each row's key limit.
    for (let i = 0; i < lq; i++) {
      let sum = 0;
      const g0 = gh + i * gs;
      const o0 = oh + i * out.rowStride;
      for (let c = 0; c < dv; c++) sum += gd[g0 + c]! * od[o0 + c]!;
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
        ops.matmul(
          { data: s, offset: 0 },
          { data: q.data, offset: qh + i0 * qs, rowStride: qs, colStride: 1 },
          { data: k.data, offset: kh + j0 * ks, rowStride: 1, colStride: ks },
          br,
          bc,
          d,
        );
        for (let i = 0; i < br; i++) {
          const row = i * bc;
          const visible = Math.max(0, Math.min(bc, limits[i0 + i]! - j0));
          for (let j = row; j < row + visible; j++) s[j] = scale * s[j]!;
          s.fill(0, row + visible, row + bc);
          counts[i] = visible;
          shifts[i] = lse[h * lq + i0 + i]!;
        }
        ops.expRows(s, br, bc, counts, shifts, sums);
        // dV_j += Pᵀ·dO_i (bc × dv) (line 16).
        ops.matmul(
          { data: t, offset: 0 },
          { data: s, offset: 0, rowStride: 1, colStride: bc },
          { data: gd, offset: gh + i0 * gs, rowStride: gs, colStride: 1 },
          bc,
          dv,
          br,
        );
        addRows(dvOut, h, j0, bc, dv, t);
        // dP = dO_i·V_jᵀ (br × bc) (line 17); dS = P ∘ (dP − D_i), times scale for dQ and dK (line 19).
        ops.matmul(
          { data: dp, offset: 0 },
          { data: gd, offset: gh + i0 * gs, rowStride: gs, colStride: 1 },
          { data: v.data, offset: vh + j0 * vs, rowStride: 1, colStride: vs },
          br,
          bc,
          dv,
        );
        for (let i = 0; i < br; i++) {
          const D = rowDot[i0 + i]!;
          for (let j = i * bc; j < (i + 1) * bc; j++) dp[j] = scale * s[j]! * (dp[j]! - D);
        }
        // dQ_i += dS·K_j (br × d) (line 20).
        ops.matmul(
          { data: tq, offset: 0 },
          { data: dp, offset: 0, rowStride: bc, colStride: 1 },
          { data: k.data, offset: kh + j0 * ks, rowStride: ks, colStride: 1 },
          br,
          d,
          bc,
        );
        addRows(dq, h, i0, br, d, tq);
        // dK_j += dSᵀ·Q_i (bc × d) (line 21).
        ops.matmul(
          { data: t, offset: 0 },
          { data: dp, offset: 0, rowStride: 1, colStride: bc },
          { data: q.data, offset: qh + i0 * qs, rowStride: qs, colStride: 1 },
          bc,
          d,
          br,
        );
        addRows(dk, h, j0, bc, d, t);
      }
    }
  }
}

/** Zeroes the `rows` rows of `cols` elements of problem h. */
function zeroRows(m: AttentionRows<Float32Array>, h: number, rows: number, cols: number): void {
  for (let i = 0, o = m.offsets[h]!; i < rows; i++, o += m.rowStride) m.data.fill(0, o, o + cols);
}

/** Rows r0 … r0 + rows − 1 of problem h += the rows × cols row-major tile t. */
function addRows(
  m: AttentionRows<Float32Array>,
  h: number,
  r0: number,
  rows: number,
  cols: number,
  t: Float32Array,
): void {
  const md = m.data;
  for (let i = 0, o = m.offsets[h]! + r0 * m.rowStride; i < rows; i++, o += m.rowStride) {
    for (let c = 0; c < cols; c++) md[o + c] = md[o + c]! + t[i * cols + c]!;
  }
}
