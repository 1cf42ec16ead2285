import { allocate, castScalar, isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { checkRandomOptions, wrapSamples } from '../internal/random.js';
import { defaultGenerator } from '../random/generator.js';
import type { Tensor } from '../tensor.js';
import type { RandomOptions } from './rand.js';

/** Largest n whose indices int32 holds. */
const INT32_LIMIT = 2147483647;

/**
 * A random permutation of 0, …, n − 1 (PyTorch `torch.randperm`).
 *
 * Shapes: -> (n)
 *
 * @param n - Number of elements, a non-negative integer.
 * @param options - `dtype` (default int32; PyTorch's int64), `rng`, `requiresGrad` (floating dtypes only).
 * @returns A contiguous 1-D tensor holding each of 0, …, n − 1 once.
 * @throws {@link InvalidArgumentError} if `n` is not a non-negative integer (below 2^31 for int32)
 *   or `requiresGrad` is asked of an integer dtype.
 * @remarks PyTorch's CPU algorithm and numbers for the same seed: starting from the identity,
 *   position i swaps with i + (random() mod (n − i)) for i = 0, …, n − 2 (`randperm_cpu`).
 * @example
 * ```ts
 * manualSeed(0);
 * randperm(5); // torch.manual_seed(0); torch.randperm(5)
 * ```
 */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  checkRandomOptions('randperm', options);
  const dtype = options.dtype ?? 'int32';
  const limit = dtype === 'int32' ? INT32_LIMIT : Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < 0 || n > limit) {
    throw new InvalidArgumentError(
      `randperm: n must be an integer in [0, ${limit}] for dtype ${dtype}; got ${n}.`,
    );
  }
  if (options.requiresGrad && !isFloating(dtype)) {
    throw new InvalidArgumentError(`randperm: requiresGrad needs a floating dtype; got ${dtype}.`);
  }
  const rng = options.rng ?? defaultGenerator();
  const data = allocate(dtype, n, 'randperm', [n], 'n');
  const perm = new Float64Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = i + (rng.nextUint32() % (n - i));
    const saved = perm[i]!;
    perm[i] = perm[z]!;
    perm[z] = saved;
  }
  for (let i = 0; i < n; i++) data[i] = castScalar(perm[i]!, dtype);
  return wrapSamples(data, [n], dtype, options.requiresGrad);
}
