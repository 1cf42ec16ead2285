import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { binaryOperands, broadcastBinary, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { mul } from './mul.js';

/** x^y with C `pow` semantics, which PyTorch follows: 1^y = 1 and (-1)^±Infinity = 1 (JS gives NaN). */
function power(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

// PyTorch's pow_backward: the base gradient is 0 where y == 0 (no 0 * x^-1 = NaN at x = 0), and
// the exponent gradient is 0 where x == 0 and y >= 0 (no 0 * log(0) = NaN).
const dBase = (x: number, y: number): number => (y === 0 ? 0 : y * power(x, y - 1));
const dExponent = (x: number, y: number): number => (x === 0 && y >= 0 ? 0 : power(x, y) * Math.log(x));

/**
 * Elementwise power a^b with NumPy/PyTorch broadcasting.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - Base, a tensor or a number.
 * @param b - Exponent, a tensor or a number.
 * @returns A new contiguous tensor of the promoted floating dtype (integer and bool inputs give
 *   float32); a negative base with a fractional exponent gives NaN.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @remarks Follows C `pow` where JS differs (1^NaN = 1, (-1)^±Infinity = 1), as PyTorch does.
 *   Gradients: d/da = b·a^(b-1) (0 where b = 0); d/db = a^b·ln(a) (0 where a = 0 and b >= 0).
 * @example
 * ```ts
 * pow(tensor([1, 2, 3]), 2); // [1, 4, 9]
 * ```
 */
export function pow(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb, promoted] = binaryOperands('pow', a, b);
  const dtype = toFloating(promoted);
  const out = broadcastBinary('pow', ta, tb, power, dtype);
  return record('pow', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(mul(g, broadcastBinary('pow', ta, tb, dBase, g.dtype)), ta.shape) : null,
    tb.requiresGrad ? sumToShape(mul(g, broadcastBinary('pow', ta, tb, dExponent, g.dtype)), tb.shape) : null,
  ]);
}

// The method form (`x.pow(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ pow });
