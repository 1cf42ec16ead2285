import { record } from '../autograd/record.js';
import { DTYPES, type DType, isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { expectTensor, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

// Storing into an Int32Array truncates toward zero (PyTorch's float -> int) and wraps; a float
// store rounds to nearest. Only bool needs its own rule: nonzero (NaN included) is true.
const same = (x: number): number => x;
const truthy = (x: number): number => (x !== 0 ? 1 : 0);

/**
 * A copy of `x` converted to `dtype` (PyTorch `x.to(dtype)`).
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @param dtype - The target element type.
 * @returns A new contiguous tensor of `dtype`, even when `dtype` is `x`'s own.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor or `dtype` is not a known dtype.
 * @remarks float -> int32 truncates toward zero (-1.7 -> -1); NaN and ±Infinity give 0 and values
 *   beyond int32 wrap modulo 2^32 (PyTorch leaves these undefined). Anything -> bool is `x != 0`.
 *   The gradient passes through (converted back to `x`'s dtype) between floating dtypes; a cast
 *   to int32 or bool is not differentiable.
 * @example
 * ```ts
 * cast(tensor([-1.7, 0.5, 2.9]), 'int32'); // [-1, 0, 2]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', x);
  if (!DTYPES.includes(dtype)) {
    throw new InvalidArgumentError(`cast: dtype must be one of ${DTYPES.join(', ')}; got ${String(dtype)}.`);
  }
  const out = mapUnary(x, dtype === 'bool' ? truthy : same, dtype);
  if (!isFloating(dtype)) return out;
  return record('cast', out, [x], (g) => [cast(g, x.dtype)]);
}

// The method form (`x.cast(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ cast });
