import { record } from '../autograd/record.js';
import { allocate, allocateUninitialized, promoteTypes } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { copyIntoAxisRange } from '../internal/axis-range.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { normalizeAxis, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { narrow } from './narrow.js';

/**
 * Joins tensors end to end along an existing axis (PyTorch `torch.cat`).
 *
 * Shapes: tensors[i] (…, d_i, …) -> (…, Σ d_i, …); all other extents equal
 *
 * @param tensors - One or more tensors of the same rank with at least one axis.
 * @param axis - The axis to join along (negative counts from the end).
 * @returns A new contiguous tensor of the promoted dtype.
 * @throws {@link InvalidArgumentError} if `tensors` is empty or `axis` is out of range.
 * @throws {@link ShapeError} naming the argument index and both shapes if a tensor's rank or an
 *   extent off `axis` differs from `tensors[0]`'s, or if the tensors are 0-d.
 * @see PyTorch `torch.cat`; D2L §2.1.
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]); // [[1, 2], [3, 4], [5, 6]]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensors[0];
  if (first === undefined) {
    throw new InvalidArgumentError('concat: tensors must contain at least one tensor; got an empty list.');
  }
  if (first.ndim === 0) {
    throw new ShapeError(
      `concat: tensors[0] must have at least one axis; got shape ${formatShape(first.shape)}.`,
    );
  }
  const ax = normalizeAxis('concat', axis, first.ndim);
  const starts: number[] = [];
  let total = 0;
  let dtype = first.dtype;
  tensors.forEach((t, i) => {
    const ok = t.ndim === first.ndim && t.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!ok) {
      const expected = `(${first.shape.map((d, j) => (j === ax ? '*' : d)).join(', ')})`;
      throw new ShapeError(
        `concat: tensors[${i}] must have shape ${expected} to match tensors[0] ${formatShape(first.shape)} off axis ${ax}; got ${formatShape(t.shape)}.`,
      );
    }
    starts.push(total);
    total += t.shape[ax]!;
    dtype = promoteTypes(dtype, t.dtype);
  });
  const shape = first.shape.slice();
  shape[ax] = total;
  const data = allocateUninitialized(dtype, shapeSize(shape), 'concat', shape);
  tensors.forEach((t, i) => {
    copyIntoAxisRange(data, shape, ax, starts[i]!, 1, t.nd);
  });
  const out = new Tensor(createView(data, shape), dtype);
  // Each input's gradient is its own slab of g, cast back when promotion changed the dtype.
  return record('concat', out, tensors, (g) =>
    tensors.map((t, i) => {
      if (!t.requiresGrad) return null;
      const part = narrow(g, ax, starts[i]!, t.shape[ax]!);
      if (part.dtype === t.dtype) return part;
      const cast = allocate(t.dtype, part.numel());
      backend().copyStrided(cast, 0, part.nd, part.shape);
      return new Tensor(createView(cast, part.shape), t.dtype);
    }),
  );
}
