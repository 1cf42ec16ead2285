import { allocate } from '../dtype.js';
import { checkRandomOptions, floatingDType, wrapSamples } from '../internal/random.js';
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
 * @remarks PyTorch's CPU numbers for the same seed: float32 samples are one Mersenne Twister
 *   word's low 24 bits times 2^-24 ({@link Generator.randomFloat32}), float64 samples 53 bits of
 *   two words ({@link Generator.random}); both lie strictly below 1.
 * @example
 * ```ts
 * manualSeed(0);
 * rand([3]); // tensor([0.4963, 0.7682, 0.0885]), as torch.manual_seed(0); torch.rand(3)
 * ```
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  checkRandomOptions('rand', options);
  const s = checkShape('rand', shape);
  const dtype = floatingDType('rand', options.dtype);
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, 'rand', s, 'shape');
  if (dtype === 'float32') for (let i = 0; i < n; i++) data[i] = rng.randomFloat32();
  else for (let i = 0; i < n; i++) data[i] = rng.random();
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
