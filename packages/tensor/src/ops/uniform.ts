import { allocate } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { checkRandomOptions, floatingDType, wrapSamples } from '../internal/random.js';
import { defaultGenerator } from '../random/generator.js';
import { fma32, fma64 } from '../random/normal-fill.js';
import { checkShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { RandomOptions } from './rand.js';

/**
 * Samples from U[low, high) (PyTorch `Tensor.uniform_`).
 *
 * Shapes: -> shape
 *
 * @param shape - Shape of the result.
 * @param low - Lower bound, included.
 * @param high - Upper bound, `high >= low`.
 * @param options - `dtype` (float32 or float64, default float32), `rng`, `requiresGrad` (default false).
 * @returns A contiguous tensor of independent uniforms.
 * @throws {@link InvalidArgumentError} if `shape` has negative or non-integer extents, `dtype` is
 *   not floating, or the bounds are not finite with `low <= high`.
 * @remarks PyTorch's CPU numbers for the same seed: `u·(high − low) + low` with `u` as in
 *   {@link rand}, computed in the dtype (bounds rounded to it first) with one fused multiply–add,
 *   as PyTorch's AVX2 build does; as in PyTorch, rounding can return `high` itself when `|low|` is large against `high − low`.
 * @example
 * ```ts
 * const w = uniform([3, 3], -0.1, 0.1, { rng: new Generator(0) });
 * ```
 */
export function uniform(
  shape: readonly number[],
  low: number,
  high: number,
  options: RandomOptions = {},
): Tensor {
  checkRandomOptions('uniform', options);
  const s = checkShape('uniform', shape);
  const dtype = floatingDType('uniform', options.dtype);
  if (!Number.isFinite(low) || !Number.isFinite(high) || low > high) {
    throw new InvalidArgumentError(
      `uniform: bounds must be finite with low <= high; got low ${low} and high ${high}.`,
    );
  }
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, 'uniform', s, 'shape');
  if (dtype === 'float32') {
    const from = Math.fround(low);
    const width = Math.fround(Math.fround(high) - from);
    for (let i = 0; i < n; i++) data[i] = fma32(rng.randomFloat32(), width, from);
  } else {
    const width = high - low;
    for (let i = 0; i < n; i++) data[i] = fma64(rng.random(), width, low);
  }
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
