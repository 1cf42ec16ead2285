import type { DType, TypedArray } from '../dtype.js';
import { isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { CREATION_SCHEMA, checkCreationOptions } from '../ops/creation.js';
import type { RandomOptions } from '../ops/rand.js';
import { Generator } from '../random/generator.js';
import { fromData, type Tensor } from '../tensor.js';
import { checkOptions } from '../validation/check-options.js';

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

/**
 * Checks the options of a random creation function: `dtype`, `requiresGrad`, `rng` (a Generator).
 * @throws {@link InvalidArgumentError} for an unknown key or a wrong type.
 */
export function checkRandomOptions(op: string, options: RandomOptions | undefined): void {
  checkOptions(op, options, {
    ...CREATION_SCHEMA,
    rng: { expected: 'a Generator', test: (v) => v instanceof Generator },
  });
  checkCreationOptions(op, { ...(options?.dtype === undefined ? {} : { dtype: options.dtype }) });
}
