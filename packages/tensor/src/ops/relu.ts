import { record } from '../autograd/record.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

// Math.max propagates NaN, like PyTorch's relu.
const rectify = (x: number): number => Math.max(x, 0);

/**
 * Elementwise rectified linear unit max(x, 0); NaN stays NaN.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s dtype.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @remarks The gradient is 1 where the output is positive and 0 elsewhere, so 0 at x = 0 (PyTorch).
 * @see D2L §5.1 "Multilayer Perceptrons" (ReLU function).
 * @example
 * ```ts
 * relu(tensor([-1, 0, 2])); // [0, 0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  expectTensor('relu', x);
  const out = mapUnary(x, rectify);
  return record('relu', out, [x], (g) => [mapGrad(g, out, (gi, y) => (y > 0 ? gi : 0))]);
}
