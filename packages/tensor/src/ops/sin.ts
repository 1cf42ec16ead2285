import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

/**
 * Elementwise sine sin(x), x in radians.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @see D2L §11.6 "Self-Attention and Positional Encoding" (sinusoidal encodings).
 * @example
 * ```ts
 * sin(tensor([0, Math.PI / 2])); // [0, 1]
 * ```
 */
export function sin(x: Tensor): Tensor {
  expectTensor('sin', x);
  const out = mapUnary(x, Math.sin, toFloating(x.dtype));
  // d(sin x)/dx = cos x.
  return record('sin', out, [x], (g) => [mapGrad(g, x, (gi, v) => gi * Math.cos(v))]);
}
