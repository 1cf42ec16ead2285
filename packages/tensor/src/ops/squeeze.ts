import { record } from '../autograd/record.js';
import { createView } from '../ndarray.js';
import { normalizeAxes } from '../shape.js';
import { provideMethods, Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/**
 * A view of `x` without axes of extent 1: all of them, or only those among `axis` (no copy).
 * An axis given explicitly whose extent is not 1 is left in place, as in PyTorch.
 *
 * Shapes: x (2, 1, 3, 1) -> (2, 3); with axis 1 -> (2, 3, 1); with axis 0 -> (2, 1, 3, 1)
 *
 * @param x - Any tensor.
 * @param axis - Axis or axes to remove when their extent is 1 (negative counts from the end);
 *   every extent-1 axis when omitted.
 * @returns A view sharing `x`'s storage.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @see PyTorch `torch.squeeze`.
 * @example
 * ```ts
 * squeeze(zeros([2, 1, 3, 1])).shape; // [2, 3]
 * ```
 */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  const candidates = normalizeAxes('squeeze', axis, x.ndim);
  const drop = (i: number): boolean => x.shape[i] === 1 && candidates.includes(i);
  const keep = [...Array(x.ndim).keys()].filter((i) => !drop(i));
  const out = new Tensor(
    createView(
      x.nd.data,
      keep.map((i) => x.shape[i]!),
      keep.map((i) => x.nd.stride[i]!),
      x.nd.offset,
    ),
    x.dtype,
  );
  return record('squeeze', out, [x], (g) => [reshape(g, x.shape)]);
}

// The method form (`x.squeeze(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ squeeze });
