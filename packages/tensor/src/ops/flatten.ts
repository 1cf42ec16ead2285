import { InvalidArgumentError } from '../errors.js';
import { normalizeAxis, shapeSize } from '../shape.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/**
 * Merges axes `startAxis … endAxis` of `x` into one, keeping row-major order; a view when the
 * strides allow it, as {@link reshape}. A 0-d tensor becomes shape (1), as in PyTorch.
 *
 * Shapes: x (d0, …, dn-1) -> (d0, …, d[start]·…·d[end], …, dn-1)
 *
 * @param x - Any tensor.
 * @param startAxis - First axis to merge (negative counts from the end).
 * @param endAxis - Last axis to merge, inclusive.
 * @returns The flattened tensor.
 * @throws {@link InvalidArgumentError} if an axis is out of range or `startAxis` comes after `endAxis`.
 * @see PyTorch `torch.flatten`.
 * @example
 * ```ts
 * flatten(zeros([2, 3, 4]), 1).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.ndim === 0) {
    normalizeAxis('flatten', startAxis, 1, 'startAxis');
    normalizeAxis('flatten', endAxis, 1, 'endAxis');
    return reshape(x, [1]);
  }
  const s = normalizeAxis('flatten', startAxis, x.ndim, 'startAxis');
  const e = normalizeAxis('flatten', endAxis, x.ndim, 'endAxis');
  if (s > e) {
    throw new InvalidArgumentError(
      `flatten: startAxis must not come after endAxis; got startAxis ${startAxis} and endAxis ${endAxis} for a tensor of rank ${x.ndim}.`,
    );
  }
  const shape = [...x.shape.slice(0, s), shapeSize(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

// The method form (`x.flatten(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ flatten });
