import { allocate } from '../dtype.js';
import { checkRandomOptions, floatingDType, wrapSamples } from '../internal/random.js';
import { defaultGenerator } from '../random/generator.js';
import { checkShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { RandomOptions } from './rand.js';

/**
 * Samples from the standard normal N(0, 1) (PyTorch `torch.randn`).
 *
 * Shapes: -> shape
 *
 * @param shape - Shape of the result.
 * @param options - `dtype` (float32 or float64, default float32), `rng`, `requiresGrad` (default false).
 * @returns A contiguous tensor of independent standard normals.
 * @throws {@link InvalidArgumentError} if `shape` has negative or non-integer extents or `dtype`
 *   is not floating.
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @throws {@link MemoryLimitError} if the result would exceed the memory limit ({@link getMemoryLimit}).
 * @remarks Box–Muller via {@link Generator.normal}, computed in float64 and rounded to the dtype.
 * @example
 * ```ts
 * const w = randn([4, 8], { rng: new Generator(42) });
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkRandomOptions('randn', options);
  const s = checkShape('randn', shape);
  const dtype = floatingDType('randn', options.dtype);
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, 'randn', s, 'shape');
  for (let i = 0; i < n; i++) data[i] = rng.normal();
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
