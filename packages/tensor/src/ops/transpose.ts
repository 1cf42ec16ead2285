import { normalizeAxis } from '../shape.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { permute } from './permute.js';

/**
 * A view of `x` with two axes swapped (no copy); by default the last two (matrix transpose).
 *
 * Shapes: x (…, m, n) -> (…, n, m) with the defaults
 *
 * @param x - Any tensor with at least two axes when the defaults are used.
 * @param axis0 - First axis (negative counts from the end).
 * @param axis1 - Second axis.
 * @returns A view sharing `x`'s storage.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @see PyTorch `torch.transpose`; D2L §11.5 `transpose_qkv`.
 * @example
 * ```ts
 * transpose(tensor([[1, 2, 3], [4, 5, 6]])); // [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const a = normalizeAxis('transpose', axis0, x.ndim, 'axis0');
  const b = normalizeAxis('transpose', axis1, x.ndim, 'axis1');
  const perm = [...Array(x.ndim).keys()];
  if (x.ndim > 0) {
    perm[a] = b;
    perm[b] = a;
  }
  return permute(x, perm);
}

// The method form (`x.transpose(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ transpose });
