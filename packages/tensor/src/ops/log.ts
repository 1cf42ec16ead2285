import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

/**
 * Elementwise natural logarithm ln(x); 0 gives -Infinity and negative numbers NaN.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * log(tensor([1, Math.E])); // [0, 1]
 * ```
 */
export function log(x: Tensor): Tensor {
  expectTensor('log', x);
  const out = mapUnary(x, Math.log, toFloating(x.dtype));
  // d(ln x)/dx = 1/x.
  return record('log', out, [x], (g) => [mapGrad(g, x, (gi, v) => gi / v)]);
}

// The method form (`x.log(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ log });
