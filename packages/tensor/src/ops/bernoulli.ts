import { allocate, castScalar, isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { checkRandomOptions, wrapSamples } from '../internal/random.js';
import { defaultGenerator } from '../random/generator.js';
import { checkShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { RandomOptions } from './rand.js';

/**
 * Independent Bernoulli(p) draws, 1 with probability `p` and 0 otherwise (PyTorch
 * `torch.empty(shape).bernoulli_(p)`; dropout masks).
 *
 * Shapes: -> shape
 *
 * @param shape - Shape of the result.
 * @param p - Probability of a 1, in [0, 1].
 * @param options - `dtype` (default float32; `bool` and integer dtypes allowed), `rng`,
 *   `requiresGrad` (floating dtypes only).
 * @returns A contiguous tensor of zeros and ones.
 * @throws {@link InvalidArgumentError} if `p` is not in [0, 1], `shape` has negative or
 *   non-integer extents, or `requiresGrad` is asked of a non-floating dtype.
 * @remarks PyTorch's CPU numbers for the same seed: element i is `u_i < p` for a float64 uniform
 *   `u_i` ({@link Generator.random}), as PyTorch's `bernoulli_scalar` kernel without MKL.
 * @example
 * ```ts
 * const keep = bernoulli([2, 4], 0.8); // dropout with p = 0.2 keeps these
 * ```
 */
export function bernoulli(shape: readonly number[], p: number, options: RandomOptions = {}): Tensor {
  checkRandomOptions('bernoulli', options);
  const s = checkShape('bernoulli', shape);
  const dtype = options.dtype ?? 'float32';
  if (!(p >= 0 && p <= 1)) {
    throw new InvalidArgumentError(`bernoulli: p must be a probability in [0, 1]; got ${p}.`);
  }
  if (options.requiresGrad && !isFloating(dtype)) {
    throw new InvalidArgumentError(`bernoulli: requiresGrad needs a floating dtype; got ${dtype}.`);
  }
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, 'bernoulli', s, 'shape');
  const one = castScalar(1, dtype);
  const zero = castScalar(0, dtype);
  for (let i = 0; i < n; i++) data[i] = rng.random() < p ? one : zero;
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
