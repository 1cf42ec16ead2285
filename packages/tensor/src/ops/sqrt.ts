import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

/**
 * Elementwise square root √x; negative numbers give NaN.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * sqrt(tensor([4, 2])); // [2, 1.4142135]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  expectTensor('sqrt', x);
  const out = mapUnary(x, Math.sqrt, toFloating(x.dtype));
  // d(√x)/dx = 1 / (2√x): reuse the output (Infinity at x = 0, as in PyTorch).
  return record('sqrt', out, [x], (g) => [mapGrad(g, out, (gi, y) => gi / (2 * y))]);
}

// The method form (`x.sqrt(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ sqrt });
