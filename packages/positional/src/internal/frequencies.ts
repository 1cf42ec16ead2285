/**
 * The angular frequencies ω_j = 1 / base^(2j/d) for j = 0 … ⌈d/2⌉ − 1, in float64 (one per pair
 * of columns (2j, 2j + 1) of a sinusoidal table, or per rotated pair of RoPE).
 *
 * @remarks Computed as `base ** (2j / d)` then inverted, the same expression as D2L
 *   (`torch.pow(10000, arange(0, d, 2) / d)`) and HF `inv_freq`, but in double precision:
 *   the angle i·ω_j is then exact to ~1e-16 relative, where float32 angles lose ~6e-5 by i = 1000.
 * @see Vaswani et al. 2017, §3.5; Su et al. 2021, eq. 15 (θ_j = 10000^(−2(j−1)/d)).
 */
export function inverseFrequencies(d: number, base: number): Float64Array {
  const half = Math.ceil(d / 2);
  const out = new Float64Array(half);
  for (let j = 0; j < half; j++) out[j] = 1 / base ** ((2 * j) / d);
  return out;
}
