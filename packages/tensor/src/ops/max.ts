import { extremum } from '../internal/extremum.js';
import { provideMethods, type Tensor } from '../tensor.js';
import type { ReduceOptions } from './sum.js';

/**
 * Largest element over `axis` (all axes by default), PyTorch `amax`.
 *
 * Shapes: x (...) -> x's shape without the reduced axes (extent 1 with `keepDim`)
 *
 * @param x - Input of any dtype; the result keeps it.
 * @param options - `axis` (a number or a list, negative counts from the end) and `keepDim`.
 * @returns The maxima; NaN where a reduced lane holds a NaN.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @throws {@link InvalidArgumentError} if a reduced axis has extent 0 (a max of nothing is undefined).
 * @remarks The gradient flows to every position equal to the maximum, split evenly among ties
 *   (PyTorch `amax`), so it always sums to the incoming gradient.
 * @see PyTorch `torch.amax`.
 * @example
 * ```ts
 * max(tensor([[1, 5], [7, 2]]), { axis: 1 }); // [5, 7]
 * ```
 */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum('max', x, options);
}

// The method form (`x.max(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ max });
