import { record } from '../autograd/record.js';
import { InvalidArgumentError } from '../errors.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { neg } from './neg.js';

/**
 * Elementwise a - b with NumPy/PyTorch broadcasting.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if both operands are `bool` (as in PyTorch; use `logicalNot`).
 * @example
 * ```ts
 * sub(tensor([[1, 2], [3, 4]]), tensor([0.5, 1.5])); // [[0.5, 0.5], [2.5, 2.5]]
 * ```
 */
export function sub(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb, dtype] = binaryOperands('sub', a, b);
  if (dtype === 'bool') {
    throw new InvalidArgumentError(
      'sub: subtracting two bool tensors is not supported; use logicalNot or cast.',
    );
  }
  const out = broadcastBinary('sub', ta, tb, 'sub', dtype);
  // d(a-b)/da = 1, d(a-b)/db = -1; broadcasting sums the gradient back to each input's shape.
  return record('sub', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(g, ta.shape) : null,
    tb.requiresGrad ? sumToShape(neg(g), tb.shape) : null,
  ]);
}

// The method form (`x.sub(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ sub });
