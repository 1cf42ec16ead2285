import { record } from '../autograd/record.js';
import { allocate } from '../dtype.js';
import { binaryOperands, sumToShape, type TensorOrScalar } from '../internal/broadcast.js';
import { expectBool } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { broadcastShapes, broadcastStrides, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { scalar } from './creation.js';

/**
 * Elementwise selection: `a` where `cond` is true, `b` elsewhere, with broadcasting of all three
 * (PyTorch `torch.where(cond, a, b)`).
 *
 * Shapes: cond (...), a (...), b (...) -> broadcast shape of the three
 *
 * @param cond - A `bool` tensor.
 * @param a - Values where `cond` is true, a tensor or a number.
 * @param b - Values where `cond` is false, a tensor or a number.
 * @returns A new contiguous tensor of the promoted dtype of `a` and `b`; two numbers give int32
 *   when both are integers, float32 otherwise (PyTorch: int64 / the default float dtype).
 * @throws {@link ShapeError} if `a` and `b`, or `cond` and their broadcast shape, do not broadcast.
 * @throws {@link InvalidArgumentError} if `cond` is not a bool Tensor, or `a` or `b` is neither a Tensor nor a number.
 * @remarks The gradient flows to `a` where `cond` is true and to `b` elsewhere (summed over broadcast axes).
 * @example
 * ```ts
 * where(tensor([true, false, true]), tensor([1, 2, 3]), 0); // [1, 0, 3]
 * ```
 */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  expectBool('where', cond, 'cond');
  if (typeof a === 'number' && typeof b === 'number') {
    // torch.where(mask, 1.0, 0.0): both values scalars.
    const d = Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32';
    return where(cond, scalar(a, d), b);
  }
  const [ta, tb, dtype] = binaryOperands('where', a, b);
  const valueShape = broadcastShapes('where', ta.shape, tb.shape, ['a', 'b']);
  const shape = broadcastShapes('where', cond.shape, valueShape, ['cond', 'the broadcast of a and b']);
  const view = (t: Tensor) => ({
    data: t.nd.data,
    offset: t.nd.offset,
    stride: broadcastStrides(t.shape, t.nd.stride, shape),
  });
  const data = allocate(dtype, shapeSize(shape), 'where', shape);
  backend().where(data, shape, view(cond), view(ta), view(tb));
  const out = new Tensor(createView(data, shape), dtype);
  return record('where', out, [ta, tb], (g) => [
    ta.requiresGrad ? sumToShape(where(cond, g, 0), ta.shape) : null,
    tb.requiresGrad ? sumToShape(where(cond, 0, g), tb.shape) : null,
  ]);
}
