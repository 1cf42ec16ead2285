import type { DType, TypedArray } from '../dtype.js';
import { isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { fromData, type Tensor } from '../tensor.js';

/**
 * `dtype`, defaulting to float32, after checking that it is floating.
 * @throws {@link InvalidArgumentError} naming `op` otherwise.
 */
export function floatingDType(op: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'float32';
  if (!isFloating(d)) {
    throw new InvalidArgumentError(`${op}: dtype must be float32 or float64; got ${d}.`);
  }
  return d;
}

/** Wraps sampled storage as a tensor that requires gradients only when asked. */
export function wrapSamples(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
  requiresGrad: boolean | undefined,
): Tensor {
  const out = fromData(data, shape, dtype);
  if (requiresGrad) out.requiresGrad = true;
  return out;
}
