import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

/**
 * Elementwise cosine cos(x), x in radians.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @see D2L §11.6 "Self-Attention and Positional Encoding" (sinusoidal encodings).
 * @example
 * ```ts
 * cos(tensor([0, Math.PI])); // [1, -1]
 * ```
 */
export function cos(x: Tensor): Tensor {
  expectTensor('cos', x);
  const out = mapUnary(x, Math.cos, toFloating(x.dtype));
  // d(cos x)/dx = -sin x.
  return record('cos', out, [x], (g) => [mapGrad(g, x, (gi, v) => -gi * Math.sin(v))]);
}
