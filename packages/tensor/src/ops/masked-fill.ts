import { record } from '../autograd/record.js';
import { allocate, castScalar } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { expectBool, expectTensor } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { broadcastStrides } from '../shape.js';
import { Tensor } from '../tensor.js';

/**
 * A copy of `x` with `value` wherever `mask` is true (PyTorch `masked_fill`); `mask` broadcasts
 * to `x`'s shape.
 *
 * Shapes: x (...), mask broadcastable to x's shape -> x's shape
 *
 * @param x - A tensor.
 * @param mask - A `bool` tensor; true marks the elements to replace.
 * @param value - The fill value, converted to `x`'s dtype (e.g. `-Infinity` or `-1e6` for masked logits).
 * @returns A new contiguous tensor of `x`'s shape and dtype.
 * @throws {@link ShapeError} if `mask` does not broadcast to `x`'s shape (naming both shapes).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor, `mask` is not a bool Tensor, or `value` is not a number.
 * @remarks The gradient with respect to `x` is 0 at masked positions and passes through elsewhere.
 * @see D2L §11.3 "Attention Scoring Functions" (masked softmax).
 * @example
 * ```ts
 * maskedFill(tensor([[1, 2], [3, 4]]), tensor([false, true]), -1e6); // [[1, -1e6], [3, -1e6]]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  expectTensor('maskedFill', x);
  expectBool('maskedFill', mask, 'mask');
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(`maskedFill: value must be a number; got ${typeof value}.`);
  }
  const lead = x.ndim - mask.ndim;
  if (lead < 0 || !mask.shape.every((d, i) => d === 1 || d === x.shape[lead + i])) {
    throw new ShapeError(
      `maskedFill: mask must have a shape that broadcasts to x's shape ${formatShape(x.shape)}; got ${formatShape(mask.shape)}.`,
    );
  }
  const fill = allocate(x.dtype, 1);
  fill[0] = castScalar(value, x.dtype);
  const data = allocate(x.dtype, x.numel());
  const maskView = {
    data: mask.nd.data,
    offset: mask.nd.offset,
    stride: broadcastStrides(mask.shape, mask.nd.stride, x.shape),
  };
  const fillView = { data: fill, offset: 0, stride: new Array<number>(x.ndim).fill(0) };
  backend().where(data, x.shape, maskView, fillView, x.nd);
  const out = new Tensor(createView(data, x.shape), x.dtype);
  // d(out)/dx = 0 where masked, 1 elsewhere.
  return record('maskedFill', out, [x], (g) => [maskedFill(g, mask, 0)]);
}
