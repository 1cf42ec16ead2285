import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { type CreationOptions, checkCreationOptions, filled } from './creation.js';

/**
 * An `n × m` matrix with ones on the main diagonal and zeros elsewhere.
 *
 * Shapes: -> (n, m)
 *
 * @param n - Number of rows, a non-negative integer.
 * @param m - Number of columns (default `n`).
 * @param options - `dtype` (default float32) and `requiresGrad`.
 * @returns A contiguous tensor.
 * @throws {@link InvalidArgumentError} if `n` or `m` is not a non-negative integer.
 * @see PyTorch `torch.eye`.
 * @example
 * ```ts
 * eye(2, 3); // [[1, 0, 0], [0, 1, 0]]
 * ```
 */
export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  checkCreationOptions('eye', options);
  for (const [name, v] of [
    ['n', n],
    ['m', m],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new InvalidArgumentError(`eye: ${name} must be a non-negative integer; got ${v}.`);
    }
  }
  const out = filled('eye', [n, m], 0, options);
  const data = out.nd.data;
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return out;
}
