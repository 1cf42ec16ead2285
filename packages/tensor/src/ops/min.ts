import { extremum } from '../internal/extremum.js';
import { provideMethods, type Tensor } from '../tensor.js';
import type { ReduceOptions } from './sum.js';

/**
 * Smallest element over `axis` (all axes by default), PyTorch `amin`.
 *
 * Shapes: x (...) -> x's shape without the reduced axes (extent 1 with `keepDim`)
 *
 * @param x - Input of any dtype; the result keeps it.
 * @param options - `axis` (a number or a list, negative counts from the end) and `keepDim`.
 * @returns The minima; NaN where a reduced lane holds a NaN.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @throws {@link InvalidArgumentError} if a reduced axis has extent 0 (a min of nothing is undefined).
 * @remarks The gradient flows to every position equal to the minimum, split evenly among ties
 *   (PyTorch `amin`), so it always sums to the incoming gradient.
 * @see PyTorch `torch.amin`.
 * @example
 * ```ts
 * min(tensor([[1, 5], [7, 2]]), { axis: 1 }); // [1, 2]
 * ```
 */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum('min', x, options);
}

// The method form (`x.min(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ min });
