import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

/**
 * Elementwise hyperbolic tangent tanh(x).
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * tanh(tensor([0, 1])); // [0, 0.7615942]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  expectTensor('tanh', x);
  const out = mapUnary(x, Math.tanh, toFloating(x.dtype));
  // d(tanh x)/dx = 1 - tanh²(x): reuse the output.
  return record('tanh', out, [x], (g) => [mapGrad(g, out, (gi, y) => gi * (1 - y * y))]);
}

// The method form (`x.tanh(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ tanh });
