import { checkAllocation, checkOptions, createView, fromNdarray, type Tensor } from '@attnkit/tensor';
import { checkBase, checkCount, checkEven, checkFloatDType } from './internal/check.js';
import { inverseFrequencies } from './internal/frequencies.js';

/** Options of {@link rotaryTables}. */
export interface RotaryTablesOptions {
  /** Frequency base b of θ_j = b^(−2j/rotaryDim) (default 10000). */
  base?: number;
  /** Element type of the tables (default `float32`); the angles are float64 either way. */
  dtype?: 'float32' | 'float64';
}

/** The cosine and sine tables of rotary position embedding. */
export interface RotaryTables {
  /** cos(m·θ_j), `(maxPos, rotaryDim / 2)`. */
  readonly cos: Tensor;
  /** sin(m·θ_j), `(maxPos, rotaryDim / 2)`. */
  readonly sin: Tensor;
}

/**
 * The RoPE tables cos(m·θ_j) and sin(m·θ_j) for positions m < maxPos and θ_j = base^(−2j/rotaryDim).
 *
 * Shapes: -> cos (maxPos, rotaryDim / 2), sin (maxPos, rotaryDim / 2)
 *
 * @param maxPos - Number of positions (rows).
 * @param rotaryDim - Number of rotated features r (even); the tables have r/2 columns, one per pair.
 * @param options - `base = 10000`, `dtype = 'float32'`.
 * @returns Fresh contiguous tables to pass to {@link applyRotaryEmbedding} as `{ cos, sin }`; one
 *   column per frequency, shared by both layouts (HF's tables repeat them to width r instead).
 * @throws {@link InvalidArgumentError} if `maxPos` is not an integer ≥ 0, `rotaryDim` is not an even
 *   integer ≥ 2, `base` is not a finite number > 0, or `dtype` is not `float32`/`float64`.
 * @remarks The angle m·θ_j is computed in float64 and only its cosine and sine are rounded to
 *   `dtype`; float32 angles (as many implementations compute them) are off by ~1e-4 rad at m = 2048.
 * @see Su et al. 2021 (RoFormer), eq. 15 and 34; HF `LlamaRotaryEmbedding`.
 * @example
 * ```ts
 * const { cos, sin } = rotaryTables(2048, 64);
 * const q = randn([1, 4, 3, 64]); // (batch, heads, positions, headDim)
 * applyRotaryEmbedding(q, { cos, sin, offset: 10 }); // positions 10, 11, 12
 * ```
 */
export function rotaryTables(
  maxPos: number,
  rotaryDim: number,
  options: RotaryTablesOptions = {},
): RotaryTables {
  const op = 'rotaryTables';
  checkOptions(op, options, { base: 'number', dtype: 'string' });
  checkCount(op, 'maxPos', maxPos);
  const r = checkEven(op, 'rotaryDim', rotaryDim);
  const theta = inverseFrequencies(r, checkBase(op, options.base ?? 10000));
  const dtype = checkFloatDType(op, options.dtype);
  const half = r / 2;
  checkAllocation(op, 'maxPos × rotaryDim / 2 (cos and sin)', [2, maxPos, half], dtype);
  const n = maxPos * half;
  const cos = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const sin = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let m = 0; m < maxPos; m++) {
    for (let j = 0; j < half; j++) {
      const angle = m * theta[j]!;
      cos[m * half + j] = Math.cos(angle);
      sin[m * half + j] = Math.sin(angle);
    }
  }
  return {
    cos: fromNdarray(createView(cos, [maxPos, half])),
    sin: fromNdarray(createView(sin, [maxPos, half])),
  };
}
