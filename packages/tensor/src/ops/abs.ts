import { record } from '../autograd/record.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

/**
 * Elementwise absolute value |x|.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s dtype.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @remarks The gradient is sign(x), so 0 at x = 0 (PyTorch).
 * @example
 * ```ts
 * abs(tensor([-1.5, 0, 2])); // [1.5, 0, 2]
 * ```
 */
export function abs(x: Tensor): Tensor {
  expectTensor('abs', x);
  const out = mapUnary(x, Math.abs);
  return record('abs', out, [x], (g) => [mapGrad(g, x, (gi, v) => (v > 0 ? gi : v < 0 ? -gi : 0))]);
}
