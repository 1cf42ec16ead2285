import { record } from '../autograd/record.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import { provideMethods, type Tensor } from '../tensor.js';

/**
 * Elementwise a * b with NumPy/PyTorch broadcasting.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @remarks int32 products wrap around like PyTorch's (`Math.imul`), instead of losing low bits
 *   in a float64 product beyond 2^53.
 * @example
 * ```ts
 * mul(tensor([[1], [2]]), tensor([10, 20])); // [[10, 20], [20, 40]]
 * ```
 */
export function mul(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb, dtype] = binaryOperands('mul', a, b);
  const out = broadcastBinary('mul', ta, tb, dtype === 'int32' ? Math.imul : 'mul', dtype);
  // d(ab)/da = b, d(ab)/db = a.
  return record('mul', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(mul(g, tb), ta.shape) : null,
    tb.requiresGrad ? sumToShape(mul(g, ta), tb.shape) : null,
  ]);
}

// The method form (`x.mul(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ mul });
