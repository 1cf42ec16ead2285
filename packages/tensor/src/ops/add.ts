import { record } from '../autograd/record.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import type { Tensor } from '../tensor.js';

/**
 * Elementwise a + b with NumPy/PyTorch broadcasting.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @example
 * ```ts
 * add(tensor([[1], [2]]), tensor([10, 20])); // [[11, 21], [12, 22]]
 * ```
 */
export function add(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb, dtype] = binaryOperands('add', a, b);
  const out = broadcastBinary('add', ta, tb, 'add', dtype);
  // d(a+b)/da = d(a+b)/db = 1; broadcasting sums the gradient back to each input's shape.
  return record('add', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(g, ta.shape) : null,
    tb.requiresGrad ? sumToShape(g, tb.shape) : null,
  ]);
}
