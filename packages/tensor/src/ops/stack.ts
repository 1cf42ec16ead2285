import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { concat } from './concat.js';
import { unsqueeze } from './unsqueeze.js';

/**
 * Joins tensors of one shape along a new axis (PyTorch `torch.stack`).
 *
 * Shapes: tensors[i] (d0, …, dn-1), k of them -> (…, k, …) with k at position `axis`
 *
 * @param tensors - One or more tensors of the same shape.
 * @param axis - Position of the new axis in the result, in [-ndim-1, ndim].
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link InvalidArgumentError} if `tensors` is empty or `axis` is out of range.
 * @throws {@link ShapeError} naming the argument index and both shapes if a tensor's shape differs
 *   from `tensors[0]`'s.
 * @see PyTorch `torch.stack`.
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])], 1); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensors[0];
  if (first === undefined) {
    throw new InvalidArgumentError('stack: tensors must contain at least one tensor; got an empty list.');
  }
  tensors.forEach((t, i) => {
    if (!shapesEqual(t.shape, first.shape)) {
      throw new ShapeError(
        `stack: tensors[${i}] must have shape ${formatShape(first.shape)} to match tensors[0]; got ${formatShape(t.shape)}.`,
      );
    }
  });
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  // Composite: concatenating extent-1 views; the gradient flows back through both primitives.
  return concat(
    tensors.map((t) => unsqueeze(t, ax)),
    ax,
  );
}
