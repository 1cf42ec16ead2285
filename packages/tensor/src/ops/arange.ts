import { allocate, castScalar, type DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { fromData, type Tensor } from '../tensor.js';
import type { CreationOptions } from './creation.js';
import { checkCreationOptions } from './creation.js';

/**
 * Evenly spaced values `start, start + step, …` below `end` (above it for a negative step).
 * `arange(end)` counts from 0.
 *
 * Shapes: -> (ceil((end - start) / step))
 *
 * @param startOrEnd - `end` when called with one argument, otherwise `start`.
 * @param end - Exclusive bound.
 * @param step - Non-zero spacing.
 * @param options - `dtype` (int32 when all of start, end and step are integers, else float32, as
 *   PyTorch's int64/float32) and `requiresGrad`.
 * @returns A 1-D contiguous tensor; empty when `start === end`.
 * @throws {@link InvalidArgumentError} if an argument is not finite, `step` is 0, or `end - start`
 *   and `step` have opposite signs.
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @throws {@link MemoryLimitError} if the result would exceed the memory limit ({@link getMemoryLimit}).
 * @remarks Element i is `start + i·step` computed in float64 and then rounded to the dtype (no
 *   accumulated error from repeated addition).
 * @see PyTorch `torch.arange`; D2L §2.1.
 * @example
 * ```ts
 * arange(5); // int32 [0, 1, 2, 3, 4]
 * arange(1, 2, 0.25); // float32 [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(startOrEnd: number, end?: number, step = 1, options: CreationOptions = {}): Tensor {
  checkCreationOptions('arange', options);
  const start = end === undefined ? 0 : startOrEnd;
  const stop = end === undefined ? startOrEnd : end;
  for (const [name, v] of [
    ['start', start],
    ['end', stop],
    ['step', step],
  ] as const) {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`arange: ${name} must be finite; got ${v}.`);
  }
  if (step === 0) throw new InvalidArgumentError('arange: step must be non-zero; got 0.');
  if ((stop - start) * step < 0) {
    throw new InvalidArgumentError(
      `arange: end - start and step must have the same sign; got start ${start}, end ${stop}, step ${step}.`,
    );
  }
  const integral = Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step);
  const dtype: DType = options.dtype ?? (integral ? 'int32' : 'float32');
  const n = Math.ceil((stop - start) / step);
  const data = allocate(dtype, n, 'arange', [n], 'end - start');
  for (let i = 0; i < n; i++) data[i] = castScalar(start + i * step, dtype);
  const out = fromData(data, [n], dtype);
  if (options.requiresGrad) out.requiresGrad = true;
  return out;
}
