import type { TypedArray } from '../dtype.js';
import type { MatrixOut, MatrixView } from './backend.js';
import { KC, JS_MC as MC, JS_MR as MR, JS_NC as NC, JS_NR as NR, up } from './constants.js';
import { packPanels } from './pack.js';

/** The float64-accumulating JavaScript product ({@link matmulKernel}) through matrix views. */
export function jsMatmul(
  out: MatrixOut,
  a: MatrixView,
  b: MatrixView,
  m: number,
  n: number,
  k: number,
): void {
  matmulKernel(
    out.data,
    out.offset,
    a.data,
    a.offset,
    a.rowStride,
    a.colStride,
    b.data,
    b.offset,
    b.rowStride,
    b.colStride,
    m,
    n,
    k,
  );
}

// Register tile (MR×NR accumulators held in locals) and cache blocks (Goto & van de Geijn 2008):
// a KC×NC panel of B is packed once and reused by every MC×KC block of A; one packed KC×NR
// micro-panel of B stays in L1 while the micro-kernel sweeps the packed A block (in L2).
// MR = NR: the shared packer lays out both operands the same way.

// Packing scratch (1.25 MB, reused by every call; the OS maps the pages only once touched). They
// are fixed-size module constants on purpose: V8 then folds their base and length into the
// micro-kernel instead of reloading and re-checking them per element, which is worth ~40% here.
const packA = new Float64Array(MC * KC);
const packB = new Float64Array(KC * NC);
const edge = new Float64Array(MR * NR);
/** Float64 accumulator for float32 outputs, reused; it grows to at most C_CAP elements (8 MB). */
let cBuf = new Float64Array(0);
const C_CAP = 1 << 20;

/**
 * out = A·B for one (m×k)·(k×n) product. `out` is written row-major (row stride n) from
 * `outOffset`; A and B are read through an offset plus a row and a column stride each, so a
 * transposed, sliced or broadcast view (stride 0) needs no copy. A batched product calls this once
 * per matrix with shifted offsets.
 *
 * Float inputs are accumulated in float64 (JS numbers) over the whole k and rounded once into
 * `out`; an Int32Array `out` takes the exact integer product with 32-bit wrap-around (`Math.imul`),
 * as PyTorch's int32 matmul does. Float products are cache-blocked with operands packed into
 * reused contiguous scratch and a 4×4 register-tiled micro-kernel; only products smaller than one
 * tile use a direct loop.
 */
export function matmulKernel(
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
  if (m === 0 || n === 0) return;
  if (out instanceof Int32Array) {
    integerMatmul(
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
  if (out instanceof Float64Array) {
    floatMatmul(
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
  // Float32 output: accumulate blocks of rows in float64 scratch, then round each sum once.
  const rowsPerChunk = Math.max(MC, Math.floor(C_CAP / n / MC) * MC);
  for (let i0 = 0; i0 < m; i0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, m - i0);
    if (cBuf.length < rows * n) cBuf = new Float64Array(rows * n);
    const ai = aOffset + i0 * aRowStride;
    floatMatmul(cBuf, 0, a, ai, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, rows, n, k);
    out.set(cBuf.subarray(0, rows * n), outOffset + i0 * n);
  }
}

/** c = A·B into a float64 array (row stride n from `co`), by the path that suits the size. */
function floatMatmul(
  c: Float64Array,
  co: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  m: number,
  n: number,
  k: number,
): void {
  c.fill(0, co, co + m * n);
  // Packing pays off even for 4×4×4 and for a single row or column (measured); only a product that
  // fits inside one partial tile (a dot product, a tiny outer product) is cheaper without it.
  if (m < MR && n < NR) smallMatmul(c, co, a, ao, ars, acs, b, bo, brs, bcs, m, n, k);
  else blockedMatmul(c, co, a, ao, ars, acs, b, bo, brs, bcs, m, n, k);
}

/**
 * c = A·B by direct loops (c zeroed): rows of B times entries of A, or one dot product per
 * element when B has a single column or is read down its columns more cheaply.
 */
function smallMatmul(
  c: Float64Array,
  co: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  m: number,
  n: number,
  k: number,
): void {
  if (n > 1 && Math.abs(bcs) <= Math.abs(brs)) {
    // i-p-j: the inner loop runs along a row of B and of C.
    for (let i = 0; i < m; i++) {
      const ci = co + i * n;
      let pa = ao + i * ars;
      let pb = bo;
      for (let p = 0; p < k; p++) {
        const x = a[pa]!;
        let q = pb;
        for (let j = 0; j < n; j++) {
          c[ci + j] = c[ci + j]! + x * b[q]!;
          q += bcs;
        }
        pa += acs;
        pb += brs;
      }
    }
  } else {
    // i-j-p: a dot product per element, walking a column of B along its small stride.
    for (let i = 0; i < m; i++) {
      const ci = co + i * n;
      const ai = ao + i * ars;
      for (let j = 0; j < n; j++) {
        let pa = ai;
        let pb = bo + j * bcs;
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += a[pa]! * b[pb]!;
          pa += acs;
          pb += brs;
        }
        c[ci + j] = s;
      }
    }
  }
}

/** out = A·B for an Int32Array `out`: exact two's-complement arithmetic (wraps like int32). */
// Same i-p-j walk as smallMatmul, kept separate so neither loop branches on dtype per element.
function integerMatmul(
  out: Int32Array,
  oo: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  m: number,
  n: number,
  k: number,
): void {
  out.fill(0, oo, oo + m * n);
  for (let i = 0; i < m; i++) {
    const ci = oo + i * n;
    let pa = ao + i * ars;
    let pb = bo;
    for (let p = 0; p < k; p++) {
      const x = a[pa]! | 0;
      let q = pb;
      for (let j = 0; j < n; j++) {
        out[ci + j] = (out[ci + j]! + Math.imul(x, b[q]! | 0)) | 0;
        q += bcs;
      }
      pa += acs;
      pb += brs;
    }
  }
}

/** c += A·B, cache-blocked (loops jc → pc → ic around the micro-kernel). */
function blockedMatmul(
  c: Float64Array,
  co: number,
  a: TypedArray,
  ao: number,
  ars: number,
  acs: number,
  b: TypedArray,
  bo: number,
  brs: number,
  bcs: number,
  m: number,
  n: number,
  k: number,
): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanels(packB, 0, b, bo + pc * brs + jc * bcs, bcs, brs, nc, up(nc, NR), kc, NR, kc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packPanels(packA, 0, a, ao + ic * ars + pc * acs, ars, acs, mc, up(mc, MR), kc, MR, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            microKernel(kc, ir * kc, jr * kc, c, co + (ic + ir) * n + jc + jr, n, mr, nr);
          }
        }
      }
    }
  }
}

/**
 * c[0:mr, 0:nr] += (MR×kc micro-panel of packA at `pa`)·(kc×NR micro-panel of packB at `pb`), with
 * the MR×NR sums in locals. Full tiles add straight into c; edge tiles add only the valid part.
 * Reads the packed buffers as module constants and keeps index arithmetic in int32 (`| 0`), which
 * lets V8 drop the per-element reloads and overflow checks.
 */
function microKernel(
  kc: number,
  pa: number,
  pb: number,
  c: Float64Array,
  ci: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  for (let p = 0; p < kc; p++) {
    const b0 = packB[pb]!;
    const b1 = packB[(pb + 1) | 0]!;
    const b2 = packB[(pb + 2) | 0]!;
    const b3 = packB[(pb + 3) | 0]!;
    const a0 = packA[pa]!;
    const a1 = packA[(pa + 1) | 0]!;
    const a2 = packA[(pa + 2) | 0]!;
    const a3 = packA[(pa + 3) | 0]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    pa = (pa + MR) | 0;
    pb = (pb + NR) | 0;
  }
  if (mr === MR && nr === NR) {
    let r = ci;
    c[r] = c[r]! + c00;
    c[r + 1] = c[r + 1]! + c01;
    c[r + 2] = c[r + 2]! + c02;
    c[r + 3] = c[r + 3]! + c03;
    r += ldc;
    c[r] = c[r]! + c10;
    c[r + 1] = c[r + 1]! + c11;
    c[r + 2] = c[r + 2]! + c12;
    c[r + 3] = c[r + 3]! + c13;
    r += ldc;
    c[r] = c[r]! + c20;
    c[r + 1] = c[r + 1]! + c21;
    c[r + 2] = c[r + 2]! + c22;
    c[r + 3] = c[r + 3]! + c23;
    r += ldc;
    c[r] = c[r]! + c30;
    c[r + 1] = c[r + 1]! + c31;
    c[r + 2] = c[r + 2]! + c32;
    c[r + 3] = c[r + 3]! + c33;
    return;
  }
  const t = edge;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
  for (let i = 0; i < mr; i++) {
    const r = ci + i * ldc;
    for (let j = 0; j < nr; j++) c[r + j] = c[r + j]! + t[i * NR + j]!;
  }
}
