import { checkOptions, createView, fromNdarray, type Tensor } from '@attnkit/tensor';
import { checkCount, checkFloatDType } from './internal/check.js';

/** Options of {@link alibiSlopes}. */
export interface AlibiSlopesOptions {
  /** Element type (default `float32`). */
  dtype?: 'float32' | 'float64';
}

/**
 * The ALiBi head slopes m_h: the geometric sequence 2^(−8/n), 2^(−16/n), …, 2^(−8) for n heads.
 *
 * Shapes: -> (numHeads)
 *
 * For n not a power of 2, the paper's interpolation: the slopes of the largest power of 2 below n,
 * p = 2^⌊log2 n⌋, followed by every other slope of 2p heads (the 1st, 3rd, …) until there are n.
 *
 * @param numHeads - Number of heads n.
 * @param options - `dtype = 'float32'`.
 * @returns A new tensor of slopes in (0, 1), computed in float64; 8 heads give 1/2, 1/4, …, 1/256.
 * @throws {@link InvalidArgumentError} if `numHeads` is not an integer ≥ 1 or `dtype` is not `float32`/`float64`.
 * @see Press, Smith & Lewis 2022 (ALiBi), §3; ofirpress/attention_with_linear_biases `get_slopes`.
 * @example
 * ```ts
 * alibiSlopes(8).toArray(); // [0.5, 0.25, 0.125, …, 0.00390625]
 * alibiSlopes(6).toArray(); // [0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]
 * ```
 */
export function alibiSlopes(numHeads: number, options: AlibiSlopesOptions = {}): Tensor {
  const op = 'alibiSlopes';
  checkOptions(op, options, { dtype: 'string' });
  const n = checkCount(op, 'numHeads', numHeads, 1);
  const dtype = checkFloatDType(op, options.dtype);
  const p = 2 ** Math.floor(Math.log2(n));
  const slopes = geometric(p);
  // Interpolation for n not a power of 2: every other slope of 2p heads (the odd ones are new).
  const extra = geometric(2 * p).filter((_, i) => i % 2 === 0);
  slopes.push(...extra.slice(0, n - p));
  const data = dtype === 'float32' ? Float32Array.from(slopes) : Float64Array.from(slopes);
  return fromNdarray(createView(data, [n]));
}

/** start^1, …, start^n with start = 2^(−8/n) (the paper's `get_slopes_power_of_2`). */
function geometric(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 2 ** ((-8 * (i + 1)) / n));
}
