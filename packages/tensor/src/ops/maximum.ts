import type { TensorOrScalar } from '../internal/broadcast.js';
import { pairwiseExtremum } from '../internal/pairwise-extremum.js';
import type { Tensor } from '../tensor.js';

const maximumImpl = pairwiseExtremum('maximum', Math.max, (x, y) => x < y);

/**
 * Elementwise maximum of a and b with NumPy/PyTorch broadcasting; NaN propagates.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @remarks The gradient goes to the larger input; on ties it is split 0.5/0.5 (PyTorch).
 * @example
 * ```ts
 * maximum(tensor([1, 5, 3]), tensor([4, 2, 3])); // [4, 5, 3]
 * ```
 */
export function maximum(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return maximumImpl(a, b);
}
