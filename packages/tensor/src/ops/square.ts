import { record } from '../autograd/record.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

const squareFloat = (x: number): number => x * x;
// int32 squares wrap around like PyTorch's instead of losing low bits beyond 2^53.
const squareInt = (x: number): number => Math.imul(x, x);

/**
 * Elementwise square x².
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s dtype (`bool` gives int32, as PyTorch promotes it).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * square(tensor([-3, 0.5])); // [9, 0.25]
 * ```
 */
export function square(x: Tensor): Tensor {
  expectTensor('square', x);
  const dtype = x.dtype === 'bool' ? 'int32' : x.dtype;
  const out = mapUnary(x, dtype === 'int32' ? squareInt : squareFloat, dtype);
  // d(x²)/dx = 2x.
  return record('square', out, [x], (g) => [mapGrad(g, x, (gi, v) => 2 * v * gi)]);
}
