import { allocate, castScalar } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { checkRandomOptions, wrapSamples } from '../internal/random.js';
import { defaultGenerator } from '../random/generator.js';
import { checkShape, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { RandomOptions } from './rand.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Uniform integers in [low, high) (PyTorch `torch.randint`), without modulo bias.
 *
 * Shapes: -> shape
 *
 * @param low - Smallest value, included.
 * @param high - Bound, excluded; `high > low`.
 * @param shape - Shape of the result.
 * @param options - `dtype` (default int32), `rng`, `requiresGrad` (floating dtypes only).
 * @returns A contiguous tensor.
 * @throws {@link InvalidArgumentError} if `shape` has negative or non-integer extents, the bounds
 *   are not integers with `low < high`, or (for int32) the range leaves [-2^31, 2^31).
 * @example
 * ```ts
 * const tokens = randint(0, 100, [2, 8], { rng: new Generator(0) }); // int32
 * ```
 */
export function randint(
  low: number,
  high: number,
  shape: readonly number[],
  options: RandomOptions = {},
): Tensor {
  checkRandomOptions('randint', options);
  const s = checkShape('randint', shape);
  const dtype = options.dtype ?? 'int32';
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || low >= high) {
    throw new InvalidArgumentError(
      `randint: bounds must be integers with low < high; got low ${low} and high ${high}.`,
    );
  }
  if (dtype === 'int32' && (low < INT32_MIN || high - 1 > INT32_MAX)) {
    throw new InvalidArgumentError(
      `randint: bounds must lie in [${INT32_MIN}, ${INT32_MAX + 1}] for dtype int32; got low ${low} and high ${high}.`,
    );
  }
  const rng = options.rng ?? defaultGenerator();
  const n = shapeSize(s);
  const data = allocate(dtype, n, 'randint', s, 'shape');
  for (let i = 0; i < n; i++) data[i] = castScalar(rng.int(low, high), dtype);
  return wrapSamples(data, s, dtype, options.requiresGrad);
}
