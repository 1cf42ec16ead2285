import { checkAllocation, checkOptions, createView, fromNdarray, type Tensor } from '@attnkit/tensor';
import { checkCount, checkFloatDType } from './internal/check.js';
import { inverseFrequencies } from './internal/frequencies.js';

/** Options of {@link sinusoidalEncoding}. */
export interface SinusoidalEncodingOptions {
  /** Element type of the table (default `float32`); the angles are float64 either way. */
  dtype?: 'float32' | 'float64';
}

/**
 * The fixed sinusoidal position table P[i, 2j] = sin(i / 10000^(2j/d)), P[i, 2j+1] = cos(i / 10000^(2j/d)).
 *
 * Shapes: -> (maxLen, numHiddens)
 *
 * @param maxLen - Number of positions (rows), 0, 1, …, maxLen − 1.
 * @param numHiddens - Encoding size d (columns); an odd d ends with a sin column.
 * @param options - `dtype` of the table, `float32` (default) or `float64`.
 * @returns A new contiguous tensor; row i encodes position i, values in [−1, 1], P[0] = [0, 1, 0, 1, …].
 * @throws {@link InvalidArgumentError} if `maxLen` is not an integer ≥ 0, `numHiddens` is not an
 *   integer ≥ 1, or `dtype` is not `float32`/`float64`.
 * @remarks Angles are computed in float64 and only the sines and cosines are rounded to `dtype`,
 *   so every float32 entry is within 6e-8 of the exact value. D2L computes the angle in float32,
 *   which is off by up to 6e-5 rad at position 1000 (its table differs from the exact one by up to
 *   8.6e-6 for d = 32); use this table where D2L's numbers must be matched only to ~1e-5.
 * @see Vaswani et al. 2017, §3.5; D2L §11.6.3 "Positional Encoding".
 * @example
 * ```ts
 * const P = sinusoidalEncoding(60, 32); // shape (60, 32)
 * ```
 */
export function sinusoidalEncoding(
  maxLen: number,
  numHiddens: number,
  options: SinusoidalEncodingOptions = {},
): Tensor {
  const op = 'sinusoidalEncoding';
  checkOptions(op, options, { dtype: 'string' });
  checkCount(op, 'maxLen', maxLen);
  checkCount(op, 'numHiddens', numHiddens, 1);
  const dtype = checkFloatDType(op, options.dtype);
  checkAllocation(op, 'maxLen × numHiddens', [maxLen, numHiddens], dtype);
  const omega = inverseFrequencies(numHiddens, 10000);
  const data =
    dtype === 'float32' ? new Float32Array(maxLen * numHiddens) : new Float64Array(maxLen * numHiddens);
  for (let i = 0; i < maxLen; i++) {
    const row = i * numHiddens;
    for (let c = 0; c < numHiddens; c++) {
      const angle = i * omega[c >> 1]!; // columns 2j and 2j + 1 share ω_j
      data[row + c] = c % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return fromNdarray(createView(data, [maxLen, numHiddens]));
}
