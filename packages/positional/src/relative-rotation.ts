import { checkOptions, createView, fromNdarray, InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import { checkEven, checkFloatDType } from './internal/check.js';
import { inverseFrequencies } from './internal/frequencies.js';

/** Options of {@link relativeRotation}. */
export interface RelativeRotationOptions {
  /** Element type of the matrix (default `float32`); the angles are float64 either way. */
  dtype?: 'float32' | 'float64';
}

/**
 * The matrix M(δ) that shifts a sinusoidal encoding by δ positions: P[i + δ] = P[i]·M(δ) for every i.
 *
 * Shapes: -> (numHiddens, numHiddens)
 *
 * M(δ) is block diagonal; block j (rows and columns 2j, 2j + 1) is the rotation
 * `[[cos δω_j, −sin δω_j], [sin δω_j, cos δω_j]]` with ω_j = 1 / 10000^(2j/d). It depends on δ only,
 * not on i: attention can learn to attend by relative position through a linear map.
 *
 * @param delta - The shift δ (any finite number; negative shifts move back).
 * @param numHiddens - Encoding size d, even.
 * @param options - `dtype` of the matrix, `float32` (default) or `float64`.
 * @returns A new contiguous `(d, d)` tensor; multiply a row vector on the left: `matmul(P, M)`.
 * @throws {@link InvalidArgumentError} if `delta` is not a finite number, `numHiddens` is not an even
 *   integer ≥ 2 (an odd d has a last sin column with no cos partner, so no such M exists), or
 *   `dtype` is not `float32`/`float64`.
 * @remarks D2L writes the 2×2 block as `[[cos δω, sin δω], [−sin δω, cos δω]]` acting on the column
 *   `[p_{i,2j}, p_{i,2j+1}]ᵀ`; with rows of P as row vectors (P[i]·M) the block is its transpose,
 *   which is what is returned here. Angles are float64.
 * @see D2L §11.6.3.2 "Relative Positional Information"; Vaswani et al. 2017, §3.5.
 * @example
 * ```ts
 * const P = sinusoidalEncoding(10, 4);
 * matmul(narrow(P, 0, 2, 1), relativeRotation(3, 4)); // ≈ row 5 of P
 * ```
 */
export function relativeRotation(
  delta: number,
  numHiddens: number,
  options: RelativeRotationOptions = {},
): Tensor {
  const op = 'relativeRotation';
  checkOptions(op, options, { dtype: 'string' });
  if (typeof delta !== 'number' || !Number.isFinite(delta)) {
    throw new InvalidArgumentError(`${op}: delta must be a finite number; got ${delta}.`);
  }
  const d = checkEven(op, 'numHiddens', numHiddens);
  const dtype = checkFloatDType(op, options.dtype);
  const omega = inverseFrequencies(d, 10000);
  const data = dtype === 'float32' ? new Float32Array(d * d) : new Float64Array(d * d);
  for (let j = 0; j < d / 2; j++) {
    const c = Math.cos(delta * omega[j]!);
    const s = Math.sin(delta * omega[j]!);
    const r = 2 * j;
    // [sin iω, cos iω]·[[c, −s], [s, c]] = [sin(i+δ)ω, cos(i+δ)ω] (angle-addition formulas).
    data[r * d + r] = c;
    data[r * d + r + 1] = -s;
    data[(r + 1) * d + r] = s;
    data[(r + 1) * d + r + 1] = c;
  }
  return fromNdarray(createView(data, [d, d]));
}
