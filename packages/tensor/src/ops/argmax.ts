import { argExtremum } from '../internal/extremum.js';
import { provideMethods, type Tensor } from '../tensor.js';

/** Options of {@link argmax} and {@link argmin}. */
export interface ArgReduceOptions {
  /** The axis to search (negative counts from the end); the flattened tensor when omitted. */
  axis?: number;
  /** Keep the searched axis with extent 1 (all axes when `axis` is omitted), PyTorch `keepdim`. */
  keepDim?: boolean;
}

/**
 * Index of the largest element along `axis`, or in the row-major flattening of `x` when no axis
 * is given. Not differentiable.
 *
 * Shapes: x (...) -> x's shape without `axis` (extent 1 with `keepDim`); no axis -> () or all ones
 *
 * @param x - Input of any dtype.
 * @param options - `axis` (one axis, negative counts from the end) and `keepDim`.
 * @returns int32 indices; ties give the first occurrence, and a NaN counts as the largest.
 * @throws {@link InvalidArgumentError} if `axis` is out of range.
 * @throws {@link InvalidArgumentError} if the searched axis (or the whole tensor) is empty.
 * @see PyTorch `torch.argmax`.
 * @example
 * ```ts
 * argmax(tensor([[1, 5, 5], [7, 2, 0]]), { axis: 1 }); // [1, 0] (int32)
 * argmax(tensor([[1, 5], [7, 2]])); // 2, the index of 7 in [1, 5, 7, 2]
 * ```
 */
export function argmax(x: Tensor, options: ArgReduceOptions = {}): Tensor {
  return argExtremum('argmax', x, options);
}

// The method form (`x.argmax(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ argmax });
