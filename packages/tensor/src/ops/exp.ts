import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

/**
 * Elementwise exponential e^x.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * exp(tensor([0, 1])); // [1, 2.7182817]
 * ```
 */
export function exp(x: Tensor): Tensor {
  expectTensor('exp', x);
  const out = mapUnary(x, Math.exp, toFloating(x.dtype));
  // d(e^x)/dx = e^x: reuse the output.
  return record('exp', out, [x], (g) => [mapGrad(g, out, (gi, y) => gi * y)]);
}

// The method form (`x.exp(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ exp });
