import { cosAccurate, logAccurate, sinAccurate } from './accurate-math.js';
import type { Generator } from './generator.js';

// Constants are avx_mathfun.h's literals as JS reads them (the shortest float64), then rounded to float32.
// PyTorch's CPU `normal_kernel` (aten/src/ATen/native/cpu/DistributionTemplates.h, 1.13): a
// contiguous tensor of 16 or more elements is filled with uniforms first and then transformed in
// blocks of 16 by Box–Muller (`normal_fill`: element j pairs with j + 8), the last partial block
// being recomputed over the final 16 elements with fresh uniforms. float32 goes through the AVX2
// kernel (`normal_fill_16_AVX2`, log and sincos from avx_mathfun.h, cephes polynomials in float
// arithmetic); it is replayed here operation by operation in float32 so the numbers are PyTorch's
// bit for bit on x86 CPUs with AVX2 (the usual build). Smaller tensors draw one
// `Generator.normal()` per element.

const f = Math.fround;
// One word seen as a float and as an int (same byte order, so no endianness question).
const scratchFloat = new Float32Array(1);
const scratchInt = new Int32Array(scratchFloat.buffer);

function bitsOf(x: number): number {
  scratchFloat[0] = x;
  return scratchInt[0]!;
}

function floatOf(bits: number): number {
  scratchInt[0] = bits;
  return scratchFloat[0]!;
}

/** Elements per Box–Muller block of PyTorch's vectorised normal fill. */
export const NORMAL_FILL_BLOCK = 16;

const MIN_NORM_POS = floatOf(0x00800000);
const SQRTHF = f(0.7071067811865476);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
  2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);
const FOPI = f(1.27323954473516);
const DP1 = f(-0.78515625);
const DP2 = f(-0.00024187564849853516);
const DP3 = f(-3.774894977445941e-8);
const SINCOF = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COSCOF = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);
const TWO_PI_F = f(2 * Math.PI);

/** avx_mathfun's `log256_ps` for one lane, x in (0, 1]. */
function logPs(input: number): number {
  let x = Math.max(input, MIN_NORM_POS);
  const bits = bitsOf(x);
  x = floatOf((bits & ~0x7f800000) | 0x3f000000); // mantissa with the exponent of 0.5
  let e = f((bits >>> 23) - 0x7f + 1);
  const small = x < SQRTHF;
  const tmp0 = small ? x : 0;
  x = f(x - 1);
  if (small) e = f(e - 1);
  x = f(x + tmp0);
  const z = f(x * x);
  let y = LOG_P[0]!;
  for (let i = 1; i < LOG_P.length; i++) y = fma32(y, x, LOG_P[i]!);
  y = f(y * x);
  y = fma32(y, z, f(e * LOG_Q1));
  y = f(y - f(z * 0.5));
  x = f(x + y);
  return f(x + f(e * LOG_Q2));
}

/** avx_mathfun's `sincos256_ps` for one lane, theta ≥ 0; writes [sin, cos] into `out`. */
function sincosPs(theta: number, out: [number, number]): void {
  let x = theta;
  let j = Math.trunc(f(x * FOPI));
  j = (j + 1) & ~1;
  const y0 = f(j);
  const sinNegative = (j & 4) !== 0;
  const polyIsCos = (j & 2) === 0; // first polynomial (cos) is the cosine, the second the sine
  const cosNegative = (~(j - 2) & 4) !== 0;
  x = f(x + f(y0 * DP1));
  x = f(x + f(y0 * DP2));
  x = fma32(y0, DP3, x);
  const z = f(x * x);
  let c = COSCOF[0]!;
  c = fma32(c, z, COSCOF[1]!);
  c = fma32(c, z, COSCOF[2]!);
  c = f(c * z);
  c = fma32(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = SINCOF[0]!;
  s = fma32(s, z, SINCOF[1]!);
  s = fma32(s, z, SINCOF[2]!);
  s = f(s * z);
  s = fma32(s, x, x);
  const sine = polyIsCos ? s : c;
  const cosine = polyIsCos ? c : s;
  out[0] = sinNegative ? -sine : sine;
  out[1] = cosNegative ? -cosine : cosine;
}

/** Float32 `fma(a, b, c)` rounded once, as `_mm256_fmadd_ps` (a·b is exact in float64). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s) return r;
  // s may sit exactly halfway between two floats after its own rounding; the error of p + c decides.
  const bv = s - p;
  const err = p - (s - bv) + (c - bv);
  const other = r + 2 * (s - r);
  if (err === 0 || f(other) !== other) return r;
  return err > 0 === other > r ? other : r;
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/**
 * Float64 `fma(a, b, c)` (what GCC contracts `a * b + c` to in PyTorch's AVX2 build): Dekker's
 * exact product, then the sum rounded once except in rare near-tie cases.
 */
export function fma64(a: number, b: number, c: number): number {
  if (b === 1 && c === 0) return a;
  const p = a * b;
  const ta = SPLIT * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLIT * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  const pe = ah * bh - p + ah * bl + al * bh + al * bl; // a·b = p + pe exactly
  const s = p + c;
  const bv = s - p;
  const se = p - (s - bv) + (c - bv); // p + c = s + se exactly
  return s + (se + pe);
}

const lanes: [number, number] = [0, 0];

function normalFill16Float32(data: Float32Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[at + j]!);
    const u2 = data[at + j + 8]!;
    const radius = f(Math.sqrt(f(-2 * logPs(u1))));
    sincosPs(f(TWO_PI_F * u2), lanes);
    data[at + j] = fma32(f(radius * lanes[1]), std, mean);
    data[at + j + 8] = fma32(f(radius * lanes[0]), std, mean);
  }
}

function normalFill16Float64(data: Float64Array, at: number, mean: number, std: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - data[at + j]!; // [0, 1) -> (0, 1] for log
    const u2 = data[at + j + 8]!;
    // glibc's log/cos/sin are correctly rounded nearly always; V8's Math versions are not.
    const radius = Math.sqrt(-2 * logAccurate(u1));
    const theta = 2 * Math.PI * u2;
    data[at + j] = fma64(radius * cosAccurate(theta), std, mean);
    data[at + j + 8] = fma64(radius * sinAccurate(theta), std, mean);
  }
}

/**
 * Fills `data` (length ≥ 16) with N(mean, std²) samples exactly as PyTorch's CPU `normal_fill`.
 * float32 data uses float32 `mean` and `std`, as PyTorch casts them.
 */
export function normalFill(
  data: Float32Array | Float64Array,
  mean: number,
  std: number,
  rng: Generator,
): void {
  const n = data.length;
  const single = data instanceof Float32Array;
  const m = single ? f(mean) : mean;
  const s = single ? f(std) : std;
  const draw = single ? () => rng.randomFloat32() : () => rng.random();
  const fill16 = single
    ? (at: number) => normalFill16Float32(data, at, m, s)
    : (at: number) => normalFill16Float64(data as Float64Array, at, m, s);
  for (let i = 0; i < n; i++) data[i] = draw();
  for (let i = 0; i + NORMAL_FILL_BLOCK <= n; i += NORMAL_FILL_BLOCK) fill16(i);
  if (n % NORMAL_FILL_BLOCK !== 0) {
    const at = n - NORMAL_FILL_BLOCK; // recompute the last 16 values, as PyTorch does
    for (let i = 0; i < NORMAL_FILL_BLOCK; i++) data[at + i] = draw();
    fill16(at);
  }
}
