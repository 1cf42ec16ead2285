import { allocate } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { checkRandomOptions, floatingDType, wrapSamples } from '../internal/random.js';
import { defaultGenerator } from '../random/generator.js';
import { fma64, NORMAL_FILL_BLOCK, normalFill } from '../random/normal-fill.js';
import { checkShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { RandomOptions } from './rand.js';

/**
 * Samples from the normal distribution N(mean, std²) (PyTorch `torch.normal(mean, std, size)`).
 *
 * Shapes: -> shape
 *
 * @param mean - Mean, a finite number.
 * @param std - Standard deviation, finite and ≥ 0.
 * @param shape - Shape of the result.
 * @param options - `dtype` (float32 or float64, default float32), `rng`, `requiresGrad` (default false).
 * @returns A contiguous tensor of independent normals.
 * @throws {@link InvalidArgumentError} if `mean` or `std` is not finite, `std < 0`, `shape` has
 *   negative or non-integer extents, or `dtype` is not floating.
 * @remarks Draws PyTorch's CPU numbers for the same seed. Tensors of 16 or more elements take
 *   PyTorch's vectorised path (`normal_fill`: all uniforms first, then Box–Muller in blocks of 16,
 *   element j paired with j + 8; the last partial block recomputed over the final 16 elements);
 *   float32 replays its AVX2 float arithmetic bit for bit. Smaller tensors draw one cached
 *   {@link Generator.normal} per element, computed in float64 and rounded, as PyTorch does.
 *   float64 uses log/sin/cos rounded correctly in double-double, as glibc's nearly always are,
 *   so about 0.2% of float64 elements (where glibc is off) differ from PyTorch's in the last bit.
 * @see D2L §3.3 `synthetic_data` (`torch.normal(0, 1, (n, len(w)))`).
 * @example
 * ```ts
 * const X = normal(0, 1, [1000, 2]);
 * const noise = normal(0, 0.01, [1000]);
 * ```
 */
export function normal(
  mean: number,
  std: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  return normalSamples('normal', mean, std, shape, options);
}

/** {@link normal} with errors naming `op` (shared with {@link randn}). */
export function normalSamples(
  op: string,
  mean: number,
  std: number,
  shape: readonly number[],
  options: RandomOptions,
): Tensor {
  checkRandomOptions(op, options);
  const s = checkShape(op, shape);
  const dtype = floatingDType(op, options.dtype);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) {
    throw new InvalidArgumentError(
      `${op}: mean must be finite and std finite and >= 0; got mean ${mean} and std ${std}.`,
    );
  }
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, op, s, 'shape') as Float32Array | Float64Array;
  if (n >= NORMAL_FILL_BLOCK) normalFill(data, mean, std, rng);
  else for (let i = 0; i < n; i++) data[i] = fma64(rng.normal(), std, mean);
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
