import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

const reciprocalSqrt = (x: number): number => 1 / Math.sqrt(x);

/**
 * Elementwise reciprocal square root 1/√x; 0 gives Infinity and negative numbers NaN.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * rsqrt(tensor([4, 0.25])); // [0.5, 2]
 * ```
 */
export function rsqrt(x: Tensor): Tensor {
  expectTensor('rsqrt', x);
  const out = mapUnary(x, reciprocalSqrt, toFloating(x.dtype));
  // d(x^-1/2)/dx = -x^-3/2 / 2 = -y^3 / 2 with y the output (PyTorch's form).
  return record('rsqrt', out, [x], (g) => [mapGrad(g, out, (gi, y) => -0.5 * gi * y * y * y)]);
}
