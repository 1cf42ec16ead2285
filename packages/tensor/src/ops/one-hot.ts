import '../kernels/js/gather.js';
import { allocate, DTYPES, type DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { checkIndexTensor } from '../internal/index-check.js';
import { backend } from '../kernels/registry.js';
import { contiguousStrides, createView } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../validation/check-options.js';

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** Element type of the result (default int32, as PyTorch's int64). */
  dtype?: DType;
}

/**
 * One-hot encoding: a new last axis of `numClasses` entries, 1 at each index and 0 elsewhere.
 *
 * Shapes: indices (...) -> (..., numClasses)
 *
 * @param indices - An int32 tensor of any shape with values in [0, numClasses).
 * @param numClasses - Length of the new axis, a non-negative integer.
 * @param options - `dtype` (default int32).
 * @returns A new contiguous tensor; not differentiable.
 * @throws {@link InvalidArgumentError} if `numClasses` is not a non-negative integer, `indices` is
 *   not int32, or an index lies outside [0, numClasses) (the message names it and its position).
 * @see PyTorch `torch.nn.functional.one_hot`.
 * @example
 * ```ts
 * oneHot(tensor([0, 2], { dtype: 'int32' }), 3); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indices: Tensor, numClasses: number, options: OneHotOptions = {}): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new InvalidArgumentError(`oneHot: numClasses must be a non-negative integer; got ${numClasses}.`);
  }
  checkIndexTensor('oneHot', 'indices', indices, numClasses, `numClasses ${numClasses}`);
  checkOptions('oneHot', options, { dtype: DTYPES });
  const dtype = options.dtype ?? 'int32';
  const shape = [...indices.shape, numClasses];
  const data = allocate(dtype, shapeSize(shape), 'oneHot', shape);
  // Scatter a constant 1 (stride-0 view) into each row at its index.
  const one = allocate(dtype, 1);
  one[0] = 1;
  const rowStrides = contiguousStrides(shape).slice(0, indices.ndim);
  backend().scatterAdd(
    { data, offset: 0, stride: rowStrides },
    indices.shape,
    { data: one, offset: 0, stride: rowStrides.map(() => 0) },
    { data: indices.nd.data as Int32Array, offset: indices.nd.offset, stride: indices.nd.stride },
    1,
  );
  return new Tensor(createView(data, shape), dtype);
}
