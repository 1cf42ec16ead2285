import { record } from '../autograd/record.js';
import { createView } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/**
 * A view of `x` with a new axis of extent 1 inserted at `axis` (no copy).
 *
 * Shapes: x (d0, …, dn-1) -> (d0, …, 1, …, dn-1), the 1 at position `axis`
 *
 * @param x - Any tensor.
 * @param axis - Position of the new axis in the result, in [-ndim-1, ndim]; -1 appends.
 * @returns A view sharing `x`'s storage.
 * @throws {@link InvalidArgumentError} if `axis` is outside [-ndim-1, ndim].
 * @see PyTorch `torch.unsqueeze`.
 * @example
 * ```ts
 * unsqueeze(tensor([1, 2, 3]), -1).shape; // [3, 1]
 * ```
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const ax = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  const shape = x.shape.slice();
  const stride = x.nd.stride.slice();
  // Any stride works for an extent-1 axis; this one keeps a contiguous tensor contiguous.
  const s = ax < x.ndim ? stride[ax]! * shape[ax]! : 1;
  shape.splice(ax, 0, 1);
  stride.splice(ax, 0, s);
  const out = new Tensor(createView(x.nd.data, shape, stride, x.nd.offset), x.dtype);
  return record('unsqueeze', out, [x], (g) => [reshape(g, x.shape)]);
}
