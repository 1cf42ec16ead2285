import { record } from '../autograd/record.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

// Share of the gradient each input receives (PyTorch: the smaller input takes it all, ties split
// it 0.5/0.5; a NaN comparison sends it to both, as where(a == b, g/2, g).masked_fill(a > b, 0)).
const shareA = (x: number, y: number): number => (x > y ? 0 : x === y ? 0.5 : 1);
const shareB = (x: number, y: number): number => (x < y ? 0 : x === y ? 0.5 : 1);

/**
 * Elementwise minimum of a and b with NumPy/PyTorch broadcasting; NaN propagates.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @remarks The gradient goes to the smaller input; on ties it is split 0.5/0.5 (PyTorch).
 * @example
 * ```ts
 * minimum(tensor([1, 5, 3]), tensor([4, 2, 3])); // [1, 2, 3]
 * ```
 */
export function minimum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb, dtype] = binaryOperands('minimum', a, b);
  const out = broadcastBinary('minimum', ta, tb, Math.min, dtype);
  return record('minimum', out, [ta, tb], (g) => [
    ta.requiresGrad
      ? sumToShape(mul(g, broadcastBinary('minimum', ta, tb, shareA, g.dtype)), ta.shape)
      : null,
    tb.requiresGrad
      ? sumToShape(mul(g, broadcastBinary('minimum', ta, tb, shareB, g.dtype)), tb.shape)
      : null,
  ]);
}
