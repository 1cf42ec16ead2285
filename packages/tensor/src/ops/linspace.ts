import { allocate, castScalar } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { fromData, type Tensor } from '../tensor.js';
import type { CreationOptions } from './creation.js';
import { checkCreationOptions } from './creation.js';

/**
 * `steps` evenly spaced values from `start` to `end`, both included.
 *
 * Shapes: -> (steps)
 *
 * @param start - First value.
 * @param end - Last value (when `steps > 1`).
 * @param steps - Number of values, a non-negative integer.
 * @param options - `dtype` (default float32; integer dtypes truncate, as PyTorch) and `requiresGrad`.
 * @returns A 1-D contiguous tensor; `[start]` when `steps` is 1.
 * @throws {@link InvalidArgumentError} if `start` or `end` is not finite or `steps` is not a
 *   non-negative integer.
 * @remarks As PyTorch's kernel: the first half is `start + i·δ`, the second half `end - (steps-1-i)·δ`
 *   with `δ = (end - start) / (steps - 1)`, so both endpoints are exact; computed in float64.
 * @see PyTorch `torch.linspace`.
 * @example
 * ```ts
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  checkCreationOptions('linspace', options);
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new InvalidArgumentError(`linspace: start and end must be finite; got ${start} and ${end}.`);
  }
  if (!Number.isInteger(steps) || steps < 0) {
    throw new InvalidArgumentError(`linspace: steps must be a non-negative integer; got ${steps}.`);
  }
  const dtype = options.dtype ?? 'float32';
  const data = allocate(dtype, steps, 'linspace', [steps], 'steps');
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    data[i] = castScalar(i < half ? start + i * delta : end - (steps - 1 - i) * delta, dtype);
  }
  if (steps === 1) data[0] = castScalar(start, dtype);
  const out = fromData(data, [steps], dtype);
  if (options.requiresGrad) out.requiresGrad = true;
  return out;
}
