import { record } from '../autograd/record.js';
import { type DType, isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

function checkBound(name: string, value: number | undefined): void {
  if (value !== undefined && typeof value !== 'number') {
    throw new InvalidArgumentError(`clamp: ${name} must be a number or undefined; got ${typeof value}.`);
  }
}

/**
 * Elementwise clamp into [min, max]: min(max(x, min), max). Either bound may be omitted.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @param min - Lower bound; omit (or pass `undefined`) for none.
 * @param max - Upper bound; omit for none. If `min > max` every element becomes `max` (PyTorch).
 * @returns A new contiguous tensor of `x`'s dtype; an int32 or bool `x` with a fractional bound
 *   gives float32, and a bool `x` with integer bounds gives int32 (PyTorch promotion).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor, both bounds are omitted, or a bound is not a number.
 * @remarks NaN stays NaN. The gradient passes where min <= x <= max (bounds included) and is 0
 *   elsewhere, as in PyTorch.
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), 0, 1); // [0, 0.5, 1]
 * ```
 */
export function clamp(x: Tensor, min?: number, max?: number): Tensor {
  expectTensor('clamp', x);
  checkBound('min', min);
  checkBound('max', max);
  if (min === undefined && max === undefined) {
    throw new InvalidArgumentError('clamp: at least one of min and max must be given.');
  }
  const lo = min ?? Number.NEGATIVE_INFINITY;
  const hi = max ?? Number.POSITIVE_INFINITY;
  let dtype: DType = x.dtype;
  if (!isFloating(x.dtype)) {
    const integral =
      (min === undefined || Number.isInteger(min)) && (max === undefined || Number.isInteger(max));
    dtype = integral ? 'int32' : 'float32';
  }
  // Math.max/Math.min propagate NaN.
  const out = mapUnary(x, (v) => Math.min(Math.max(v, lo), hi), dtype);
  return record('clamp', out, [x], (g) => [mapGrad(g, x, (gi, v) => (v >= lo && v <= hi ? gi : 0))]);
}
