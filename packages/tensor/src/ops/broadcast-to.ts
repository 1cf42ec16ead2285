import { record } from '../autograd/record.js';
import { formatShape, ShapeError } from '../errors.js';
import { sumToShape } from '../internal/broadcast.js';
import { createView } from '../ndarray.js';
import { broadcastStrides, checkShape } from '../shape.js';
import { provideMethods, Tensor } from '../tensor.js';

/**
 * A view of `x` with `shape`, repeating it along broadcast axes with stride 0 (no copy).
 * PyTorch `expand`/`broadcast_to`; -1 keeps an existing extent.
 *
 * Shapes: x (...) -> shape
 *
 * @throws {@link ShapeError} if `x` cannot be broadcast to `shape`.
 * @example
 * ```ts
 * broadcastTo(tensor([1, 2, 3]), [2, 3]); // [[1, 2, 3], [1, 2, 3]]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  checkShape('broadcastTo', target);
  const ok = lead >= 0 && x.shape.every((d, i) => d === target[lead + i] || d === 1);
  if (!ok) {
    throw new ShapeError(
      `broadcastTo: x of shape ${formatShape(x.shape)} cannot be broadcast to ${formatShape(shape)}.`,
    );
  }
  const stride = broadcastStrides(x.shape, x.nd.stride, target);
  const out = new Tensor(createView(x.nd.data, target, stride, x.nd.offset), x.dtype);
  return record('broadcastTo', out, [x], (g) => [sumToShape(g, x.shape)]);
}

/**
 * Alias of {@link broadcastTo} with PyTorch's name.
 *
 * @alias
 */
export const expand = broadcastTo;

// The method form (`x.expand(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ expand: broadcastTo });
