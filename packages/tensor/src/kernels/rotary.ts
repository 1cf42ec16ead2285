import { shapeSize } from '../shape.js';
import type { StridedView } from './types.js';

/**
 * Rotary embedding of the rows of `x`: one row of d elements per index of `rowShape`, read through
 * x's strides over (...rowShape, d) (so a head-split view (batch, heads, n, d) of a
 * (batch, n, heads·d) projection needs no copy), written through `out`'s strides over the same
 * shape (the op stores it in x's axis order, so the head merge after attention is free). Pair j of a row is
 * (a, b) = (x_j, x_{j+half}), or (x_{2j}, x_{2j+1}) when `interleaved`, and becomes
 * (a·cos − b·sin, b·cos + a·sin) with cos, sin read at (row index, j) through their strides over
 * (...rowShape, half) (0 on broadcast axes); features from 2·half on are copied. With `inverse` the
 * angle is negated (sin → −sin): the rotation's transpose, which is the backward for x.
 */
export function rotaryKernel(
  out: StridedView,
  x: StridedView,
  cos: StridedView,
  sin: StridedView,
  rowShape: readonly number[],
  d: number,
  half: number,
  interleaved: boolean,
  inverse = false,
): void {
  const xd = x.data;
  const cd = cos.data;
  const sd = sin.data;
  const nd = rowShape.length;
  const cj = cos.stride[nd]!;
  const sj = sin.stride[nd]!;
  // The last row axis (positions) is the inner loop; the axes before it advance as an odometer.
  const inner = nd > 0 ? rowShape[nd - 1]! : 1;
  const ci = nd > 0 ? cos.stride[nd - 1]! : 0;
  const si = nd > 0 ? sin.stride[nd - 1]! : 0;
  const outer = inner === 0 ? 0 : shapeSize(rowShape) / inner;
  const sign = inverse ? -1 : 1;
  // x's strides: between elements of a row (xs), between consecutive rows of the inner axis (xi).
  const xs = x.stride[nd] ?? 1;
  const xi = nd > 0 ? x.stride[nd - 1]! : 0;
  const od = out.data;
  const oStride = out.stride;
  const qs = oStride[nd] ?? 1;
  const qi = nd > 0 ? oStride[nd - 1]! : 0;
  // Output offset of the second element of a pair from the first, and between consecutive pairs.
  const gap = interleaved ? 1 : half;
  const step = interleaved ? 2 : 1;
  const xgap = gap * xs;
  const qgap = gap * qs;
  const r = 2 * half;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let oc = cos.offset;
  let os = sin.offset;
  let ox = x.offset;
  let oq = out.offset;
  for (let o = 0; o < outer; o++) {
    for (let m = 0, p = ox, q = oq, pc = oc, ps = os; m < inner; m++, p += xi, q += qi, pc += ci, ps += si) {
      // RoFormer eq. 34: (a, b) -> (a cos mθ_j − b sin mθ_j, b cos mθ_j + a sin mθ_j).
      for (let j = 0, e = 0; j < half; j++, e += step) {
        const c = cd[pc + j * cj]!;
        const s = sign * sd[ps + j * sj]!;
        const a = xd[p + e * xs]!;
        const b = xd[p + e * xs + xgap]!;
        od[q + e * qs] = a * c - b * s;
        od[q + e * qs + qgap] = b * c + a * s;
      }
      for (let j = r; j < d; j++) od[q + j * qs] = xd[p + j * xs]!;
    }
    for (let ax = nd - 2; ax >= 0; ax--) {
      oc += cos.stride[ax]!;
      os += sin.stride[ax]!;
      ox += x.stride[ax]!;
      oq += oStride[ax]!;
      const i = idx[ax]! + 1;
      if (i < rowShape[ax]!) {
        idx[ax] = i;
        break;
      }
      idx[ax] = 0;
      oc -= cos.stride[ax]! * rowShape[ax]!;
      os -= sin.stride[ax]! * rowShape[ax]!;
      ox -= x.stride[ax]! * rowShape[ax]!;
      oq -= oStride[ax]! * rowShape[ax]!;
    }
  }
}

/**
 * Backward of {@link rotaryKernel} for the same `x`, `cos`, `sin` and layout, given the output
 * gradient `g` (read through its strides for dx; for dCos/dSin both g and x must be rows of d
 * consecutive elements from their offsets, strides not read). `dx` (written through its strides,
 * or null when x needs no gradient) gets the inverse rotation of g, the pass-through features copied. For
 * each pair (a, b) with gradients (g_a, g_b):
 *   dcos_j += g_a·a + g_b·b,  dsin_j += g_b·a − g_a·b,
 * accumulated in float64 into `dCos`/`dSin` (zeroed by the caller, or null when not wanted) at the
 * offsets `accStride` gives over (...rowShape, half) — 0 on the axes cos and sin were broadcast
 * over, so those sums happen here.
 */
export function rotaryBackwardKernel(
  dx: StridedView | null,
  dCos: Float64Array | null,
  dSin: Float64Array | null,
  accStride: readonly number[],
  g: StridedView,
  x: StridedView,
  cos: StridedView,
  sin: StridedView,
  rowShape: readonly number[],
  d: number,
  half: number,
  interleaved: boolean,
): void {
  if (dx !== null) rotaryKernel(dx, g, cos, sin, rowShape, d, half, interleaved, true);
  if (dCos === null && dSin === null) return;
  const gd = g.data;
  const xd = x.data;
  // An unwanted accumulator goes to scratch, so the loop carries no per-element branches.
  const dc = dCos ?? new Float64Array(dSin!.length);
  const ds = dSin ?? new Float64Array(dCos!.length);
  const nd = rowShape.length;
  const aj = accStride[nd]!;
  // Distance between the two elements of a pair, and between consecutive pairs.
  const gap = interleaved ? 1 : half;
  const step = interleaved ? 2 : 1;
  const rows = shapeSize(rowShape);
  const idx = new Array<number>(nd).fill(0);
  let oa = 0;
  for (let row = 0, pg = g.offset, px = x.offset; row < rows; row++, pg += d, px += d) {
    for (let j = 0; j < half; j++) {
      const ga = gd[pg + j * step]!;
      const gb = gd[pg + j * step + gap]!;
      const a = xd[px + j * step]!;
      const b = xd[px + j * step + gap]!;
      const k = oa + j * aj;
      dc[k] = dc[k]! + ga * a + gb * b;
      ds[k] = ds[k]! + gb * a - ga * b;
    }
    for (let ax = nd - 1; ax >= 0; ax--) {
      oa += accStride[ax]!;
      const i = idx[ax]! + 1;
      if (i < rowShape[ax]!) {
        idx[ax] = i;
        break;
      }
      idx[ax] = 0;
      oa -= accStride[ax]! * rowShape[ax]!;
    }
  }
}
