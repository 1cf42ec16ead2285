import type { TensorOrScalar } from '../internal/broadcast.js';
import { pairwiseExtremum } from '../internal/pairwise-extremum.js';
import type { Tensor } from '../tensor.js';

const minimumImpl = pairwiseExtremum('minimum', Math.min, (x, y) => x > y);

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
  return minimumImpl(a, b);
}
