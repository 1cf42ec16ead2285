// log, sin and cos rounded to the nearest double in all but rare cases, for PyTorch's float64
// Box–Muller. glibc's log/sin/cos (what PyTorch calls) are correctly rounded in ~99.9% of cases;
// V8's Math.log/sin/cos (fdlibm) differ from them in the last bit for 3–7% of arguments. The
// leading terms are summed in double-double (a value as an unevaluated sum hi + lo) and the small
// tail in double, so the result is within ~2^-65 relative before its one final rounding.

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

// Results of the double-double helpers, hi in O[0] and lo in O[1] (a typed array, so writing
// them allocates no heap numbers), and the reduced argument in R.
const O = new Float64Array(2);
const R = new Float64Array(2);

/** O[0] + O[1] = a · b exactly (Dekker's TwoProduct). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  const ta = SPLIT * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLIT * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  O[0] = p;
  O[1] = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** O[0] + O[1] ≈ (ah + al)(bh + bl), normalised. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const lo = O[1]! + (ah * bl + al * bh);
  const hi = O[0]!;
  O[0] = hi + lo;
  O[1] = lo - (O[0]! - hi);
}

/** O[0] + O[1] ≈ (ah + al) + (bh + bl), normalised. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const bv = s - ah;
  const lo = ah - (s - bv) + (bh - bv) + al + bl;
  O[0] = s + lo;
  O[1] = lo - (O[0]! - s);
}

/** [hi, lo] of 1/n. */
function reciprocal(n: number): [number, number] {
  const hi = 1 / n;
  twoProd(hi, n);
  return [hi, (1 - O[0]! - O[1]!) / n];
}

const [THIRD_H, THIRD_L] = reciprocal(3);
const [I6_H, I6_L] = reciprocal(6);
const [I120_H, I120_L] = reciprocal(120);
const [I2_H, I2_L] = [0.5, 0];
const [I24_H, I24_L] = reciprocal(24);
const [I720_H, I720_L] = reciprocal(720);
/** 1/k! in double, k = 0…25. */
const INV_FACT_D: number[] = [];
for (let k = 0, f = 1; k <= 25; k++, f *= k) INV_FACT_D.push(1 / f);
const LN2_HI = 0.6931471805599453;
const LN2_LO = 2.3190468138462996e-17;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1

/** Natural log of a positive normal double, nearly always correctly rounded. */
export function logAccurate(x: number): number {
  if (!(x >= 2.2250738585072014e-308 && x < Number.POSITIVE_INFINITY)) return Math.log(x);
  bits[0] = x;
  const hiWord = words[HIGH]!;
  let k = ((hiWord >>> 20) & 0x7ff) - 1023;
  words[HIGH] = (hiWord & 0x800fffff) | 0x3ff00000; // same mantissa, exponent 0: m in [1, 2)
  let m = bits[0]!;
  if (m > Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  const f = m - 1; // exact (Sterbenz)
  // s = f / (2 + f), with 2 + f = dh + dl exactly; log m = 2 atanh(s) = 2s (1 + s²/3 + s⁴/5 + …).
  const dh = 2 + f;
  const dl = f - (dh - 2);
  const sh = f / dh;
  twoProd(sh, dh);
  const sl = (f - O[0]! - O[1]! - sh * dl) / dh;
  ddMul(sh, sl, sh, sl);
  const zh = O[0]!;
  const zl = O[1]!;
  const z = zh;
  // s⁴/5 + s⁶/7 + … ≤ 1.8e-4 of the sum: double precision suffices for it (to s²⁸/29 ≈ 1e-23).
  let poly = 1 / 29;
  for (let j = 27; j >= 5; j -= 2) poly = 1 / j + z * poly;
  const tail = z * z * poly;
  ddMul(zh, zl, THIRD_H, THIRD_L); // s²/3
  ddAdd(O[0]!, O[1]!, 1, tail); // (1, tail) as a pair: 1 + tail would round at 2^-53
  ddMul(O[0]!, O[1]!, 2 * sh, 2 * sl);
  const mh = O[0]!;
  const ml = O[1]!;
  ddMul(k, 0, LN2_HI, LN2_LO);
  ddAdd(O[0]!, O[1]!, mh, ml);
  return O[0]! + O[1]!;
}

// π/2 in pieces (fdlibm's pio2_1, pio2_2, pio2_3 of 33 bits, and pio2_3's tail): n · piece is
// exact for n < 2^20.
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_3T = 8.4784276603689e-32;

/** Sets R[0] + R[1] = theta − n·π/2 (|·| ≤ π/4) and returns n mod 4; theta in [0, 1e5). */
function reduce(theta: number): number {
  const n = Math.round(theta / (PIO2_1 + PIO2_2));
  ddAdd(theta - n * PIO2_1, 0, -n * PIO2_2, 0); // theta − n·p1 is exact (Sterbenz)
  ddAdd(O[0]!, O[1]!, -n * PIO2_3, -n * PIO2_3T);
  R[0] = O[0]!;
  R[1] = O[1]!;
  return n & 3;
}

/** sin of the reduced argument: r − r³/3! + r⁵/5! − …, the first three terms in double-double. */
function sinKernel(): number {
  ddMul(R[0]!, R[1]!, R[0]!, R[1]!);
  const zh = O[0]!;
  const zl = O[1]!;
  const z = zh;
  // −r⁴/7! + r⁶/9! − … (inside the bracket) ≤ 6.5e-5 of it; terms to r²²/25!.
  let poly = INV_FACT_D[25]!;
  for (let k = 23; k >= 7; k -= 2) poly = (k % 4 === 3 ? -1 : 1) * INV_FACT_D[k]! + z * poly;
  const tail = z * z * poly;
  ddMul(zh, zl, I120_H, I120_L); // r²/5!
  ddAdd(O[0]!, O[1]!, tail, 0);
  ddAdd(O[0]!, O[1]!, -I6_H, -I6_L); // −1/3! + r²/5! + …
  ddMul(O[0]!, O[1]!, zh, zl);
  ddMul(O[0]!, O[1]!, R[0]!, R[1]!);
  ddAdd(R[0]!, R[1]!, O[0]!, O[1]!);
  return O[0]! + O[1]!;
}

/** cos of the reduced argument: 1 − r²/2! + r⁴/4! − r⁶/6! + …, the first four terms in double-double. */
function cosKernel(): number {
  ddMul(R[0]!, R[1]!, R[0]!, R[1]!);
  const zh = O[0]!;
  const zl = O[1]!;
  const z = zh;
  // r⁸/8! − … ≤ 2.3e-6 of cos r; terms to r²⁴/24!.
  let poly = INV_FACT_D[24]!;
  for (let k = 22; k >= 8; k -= 2) poly = (k % 4 === 2 ? -1 : 1) * INV_FACT_D[k]! + z * poly;
  const tail = z * z * z * z * poly;
  ddMul(zh, zl, -I720_H, -I720_L);
  ddAdd(O[0]!, O[1]!, I24_H, I24_L); // 1/4! − r²/6!
  ddMul(O[0]!, O[1]!, zh, zl);
  ddAdd(O[0]!, O[1]!, -I2_H, -I2_L); // −1/2! + r²/4! − r⁴/6!
  ddMul(O[0]!, O[1]!, zh, zl);
  ddAdd(O[0]!, O[1]!, 1, tail);
  return O[0]! + O[1]!;
}

/** cos of theta in [0, 1e5), nearly always correctly rounded. */
export function cosAccurate(theta: number): number {
  if (!(theta >= 0 && theta < 1e5)) return Math.cos(theta);
  const q = reduce(theta);
  if (q === 0) return cosKernel();
  if (q === 1) return -sinKernel();
  if (q === 2) return -cosKernel();
  return sinKernel();
}

/** sin of theta in [0, 1e5), nearly always correctly rounded. */
export function sinAccurate(theta: number): number {
  if (!(theta >= 0 && theta < 1e5)) return Math.sin(theta);
  const q = reduce(theta);
  if (q === 0) return sinKernel();
  if (q === 1) return cosKernel();
  if (q === 2) return -sinKernel();
  return -cosKernel();
}
