import { record } from '../autograd/record.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { createView } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * The same elements in row-major order under a new shape; one extent may be -1 (inferred).
 * Returns a view when the strides allow it (PyTorch `view` semantics) and copies only when they
 * do not (PyTorch `reshape`).
 *
 * Shapes: x (...) -> shape
 *
 * @throws {@link ShapeError} if `shape` has another number of elements than `x`.
 * @throws {@link InvalidArgumentError} if `shape` has more than one -1 or a non-integer extent.
 * @example
 * ```ts
 * reshape(arange(6), [2, -1]); // shape (2, 3)
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape(x, shape);
  const stride = viewStrides(x.shape, x.nd.stride, target);
  const out =
    stride === null
      ? new Tensor(createView(x.contiguous().nd.data, target), x.dtype)
      : new Tensor(createView(x.nd.data, target, stride, x.nd.offset), x.dtype);
  // x.contiguous() above starts at offset 0 of fresh storage, so the view is exact.
  return record('reshape', out, [x], (g) => [reshape(g, x.shape)]);
}

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  let infer = -1;
  let known = 1;
  shape.forEach((d, i) => {
    if (d === -1) {
      if (infer >= 0)
        throw new InvalidArgumentError(
          `reshape: shape may contain at most one -1; got ${formatShape(shape)}.`,
        );
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(
        `reshape: shape must contain non-negative integers or -1; got ${formatShape(shape)}.`,
      );
    } else known *= d;
  });
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || x.numel() % known !== 0) {
      throw new ShapeError(
        `reshape: shape ${formatShape(shape)} is invalid for input of shape ${formatShape(x.shape)}.`,
      );
    }
    out[infer] = x.numel() / known;
  }
  if (shapeSize(out) !== x.numel()) {
    throw new ShapeError(
      `reshape: shape must have ${x.numel()} elements to match input of shape ${formatShape(x.shape)}; got ${formatShape(shape)}.`,
    );
  }
  return out;
}

/**
 * Strides that read `shape`/`stride` storage as `target` without copying, or null when no view
 * exists. PyTorch's `computeStride`: walk groups of old axes that are contiguous with each other
 * and split each group across the new axes with the same number of elements.
 */
function viewStrides(
  shape: readonly number[],
  stride: readonly number[],
  target: readonly number[],
): number[] | null {
  const out = new Array<number>(target.length).fill(0);
  if (shapeSize(shape) === 0) return target.map(() => 0);
  let viewD = target.length - 1;
  let chunkBase = stride[stride.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    // A group ends where the next-outer axis is not contiguous with this one.
    if (d === 0 || (shape[d - 1] !== 1 && stride[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || target[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= target[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = stride[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) {
    // Only trailing extent-1 axes may remain; their stride is irrelevant.
    while (viewD >= 0) out[viewD--] = 1;
  }
  return out;
}
