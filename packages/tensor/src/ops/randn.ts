import type { Tensor } from '../tensor.js';
import { normalSamples } from './normal.js';
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
 * @remarks PyTorch's CPU numbers for the same seed: `normal(0, 1, shape)`, i.e. PyTorch's
 *   vectorised Box–Muller over blocks of 16 for 16 or more elements, one cached
 *   {@link Generator.normal} per element below that.
 * @example
 * ```ts
 * manualSeed(0);
 * randn([3]); // tensor([ 1.5410, -0.2934, -2.1788]), as torch.manual_seed(0); torch.randn(3)
 * ```
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return normalSamples('randn', 0, 1, shape, options);
}
