import type { Tensor } from '../tensor.js';
import { repeatOp } from './repeat.js';

/**
 * Tiles `x` `reps[i]` times along each axis (PyTorch `torch.tile`): like {@link repeat}, but
 * fewer reps than axes are left-padded with ones (`tile(x, [2])` repeats the last axis).
 *
 * Shapes: x (…), reps (r_0, …) -> each axis of x (both left-padded with ones to equal rank) times its rep
 *
 * @param x - A tensor.
 * @param reps - Non-negative repeat counts; missing leading ones are 1.
 * @returns A new contiguous tensor; the gradient sums over the copies.
 * @throws {@link InvalidArgumentError} if `reps` holds a negative or non-integer count.
 * @example
 * ```ts
 * tile(tensor([[1, 2], [3, 4]]), [2]); // [[1, 2, 1, 2], [3, 4, 3, 4]]
 * ```
 */
export function tile(x: Tensor, reps: readonly number[]): Tensor {
  const padded =
    Array.isArray(reps) && reps.length < x.ndim
      ? [...new Array<number>(x.ndim - reps.length).fill(1), ...reps]
      : reps;
  return repeatOp('tile', x, padded);
}
