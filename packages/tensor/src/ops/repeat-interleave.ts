import { InvalidArgumentError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import { fromData, type Tensor } from '../tensor.js';
import { flatten } from './flatten.js';
import { indexSelect } from './index-select.js';

/**
 * Repeats each entry of `x` `repeats` times in place along `axis` (PyTorch `repeat_interleave`):
 * `[a, b]` → `[a, a, b, b]` for 2. Without `axis`, `x` is flattened first.
 *
 * Shapes: x (…, d, …) -> (…, d·repeats, …); without axis x (...) -> (size·repeats)
 *
 * @param x - Any tensor.
 * @param repeats - Copies of each entry, a non-negative integer.
 * @param axis - The axis to repeat along (negative counts from the end); omit to flatten first.
 * @returns A new contiguous tensor of `x`'s dtype.
 * @throws {@link InvalidArgumentError} if `repeats` is not a non-negative integer or `axis` is out of range.
 * @remarks Built on {@link indexSelect} with index `[0, …, 0, 1, …]`, so backward sums the copies.
 * @see PyTorch `torch.repeat_interleave`; D2L §11.3 (repeating `valid_lens` per query).
 * @example
 * ```ts
 * repeatInterleave(tensor([[1, 2], [3, 4]]), 2, 0); // [[1, 2], [1, 2], [3, 4], [3, 4]]
 * ```
 */
export function repeatInterleave(x: Tensor, repeats: number, axis?: number): Tensor {
  if (!Number.isInteger(repeats) || repeats < 0) {
    throw new InvalidArgumentError(
      `repeatInterleave: repeats must be a non-negative integer; got ${repeats}.`,
    );
  }
  let src = x;
  let ax = 0;
  if (axis === undefined || x.ndim === 0) {
    if (axis !== undefined) normalizeAxis('repeatInterleave', axis, 1);
    src = flatten(x);
  } else ax = normalizeAxis('repeatInterleave', axis, x.ndim);
  const dim = src.shape[ax]!;
  const index = new Int32Array(dim * repeats);
  for (let k = 0; k < index.length; k++) index[k] = Math.floor(k / repeats);
  return indexSelect(src, ax, fromData(index, [index.length], 'int32'));
}
