import { allocate } from '../dtype.js';
import { checkRandomOptions, floatingDType, uniformFor, wrapSamples } from '../internal/random.js';
import { defaultGenerator, type Generator } from '../random/generator.js';
import { checkShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { CreationOptions } from './creation.js';

/** Options of the random creation functions. */
export interface RandomOptions extends CreationOptions {
  /** Source of randomness; {@link defaultGenerator} when omitted. */
  rng?: Generator;
}

/**
 * Samples from U[0, 1) (PyTorch `torch.rand`).
 *
 * Shapes: -> shape
 *
 * @param shape - Shape of the result.
 * @param options - `dtype` (float32 or float64, default float32), `rng`, `requiresGrad` (default false).
 * @returns A contiguous tensor of independent uniforms.
 * @throws {@link InvalidArgumentError} if `shape` has negative or non-integer extents or `dtype`
 *   is not floating.
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @throws {@link MemoryLimitError} if the result would exceed the memory limit ({@link getMemoryLimit}).
 * @remarks float64 samples have 53 random bits; float32 samples are `floor(u·2^24)/2^24`, 24 bits,
 *   exactly representable and strictly below 1 (rounding 53 bits to float32 could give 1).
 * @example
 * ```ts
 * const x = rand([2, 3], { rng: new Generator(0) });
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkRandomOptions('rand', options);
  const s = checkShape('rand', shape);
  const dtype = floatingDType('rand', options.dtype);
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, 'rand', s, 'shape');
  for (let i = 0; i < n; i++) data[i] = uniformFor(rng, dtype);
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
