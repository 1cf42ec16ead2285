import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

/**
 * Elementwise true division a / b with NumPy/PyTorch broadcasting.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - Dividend, a tensor or a number.
 * @param b - Divisor, a tensor or a number.
 * @returns A new contiguous tensor of the promoted floating dtype (integer and bool inputs give
 *   float32); x / 0 is ±Infinity and 0 / 0 is NaN.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @example
 * ```ts
 * div(tensor([1, 2, 3], { dtype: 'int32' }), 2); // float32 [0.5, 1, 1.5]
 * ```
 */
export function div(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb, dtype] = binaryOperands('div', a, b);
  const out = broadcastBinary('div', ta, tb, 'div', toFloating(dtype));
  // d(a/b)/da = 1/b; d(a/b)/db = -a/b^2 (PyTorch's form, from a rather than from the output).
  return record('div', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(div(g, tb), ta.shape) : null,
    tb.requiresGrad ? sumToShape(neg(div(mul(g, ta), mul(tb, tb))), tb.shape) : null,
  ]);
}

// The method form (`x.div(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ div });
