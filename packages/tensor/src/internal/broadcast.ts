import { allocateUninitialized, type DType, isFloating, promoteTypes } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { ArithmeticOp } from '../kernels/arithmetic.js';
import type { BinaryFn } from '../kernels/binary.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { scalar } from '../ops/creation.js';
import { broadcastShapes, broadcastStrides, shapeSize, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { reductionPlan } from './reduction.js';

/** A tensor or a JS number (taken as a 0-d tensor of the other operand's dtype). */
export type TensorOrScalar = Tensor | number;

/**
 * Turns a number into a 0-d tensor that takes `like`'s dtype (a fractional number next to an
 * integer tensor gives float32, as in PyTorch); passes tensors through.
 */
export function asTensor(op: string, x: TensorOrScalar, like: DType, argument: string): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== 'number') {
    throw new InvalidArgumentError(`${op}: ${argument} must be a Tensor or a number; got ${typeof x}.`);
  }
  return scalar(x, Number.isInteger(x) || isFloating(like) ? like : 'float32');
}

/** Both operands as tensors plus their promoted dtype. */
export function binaryOperands(op: string, a: TensorOrScalar, b: TensorOrScalar): [Tensor, Tensor, DType] {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: at least one of a and b must be a Tensor.`);
  }
  const ta = asTensor(op, a, b instanceof Tensor ? b.dtype : 'float32', 'a');
  const tb = asTensor(op, b, ta.dtype, 'b');
  return [ta, tb, promoteTypes(ta.dtype, tb.dtype)];
}

/**
 * Runs the binary kernel with broadcasting; the result is contiguous and of `dtype`. An operator
 * name (`'add'`, `'sub'`, `'mul'`, `'div'`) instead of a function selects `backend().arithmetic`,
 * whose loops are specialised per operator (several times faster than a call per element).
 */
export function broadcastBinary(
  op: string,
  a: Tensor,
  b: Tensor,
  f: BinaryFn | ArithmeticOp,
  dtype: DType,
): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  const out = allocateUninitialized(dtype, shapeSize(shape), op, shape);
  const av = { data: a.nd.data, offset: a.nd.offset, stride: broadcastStrides(a.shape, a.nd.stride, shape) };
  const bv = { data: b.nd.data, offset: b.nd.offset, stride: broadcastStrides(b.shape, b.nd.stride, shape) };
  if (typeof f === 'string') backend().arithmetic(f, out, shape, av, bv);
  else backend().binary(f, out, shape, av, bv);
  return new Tensor(createView(out, shape), dtype);
}

/**
 * Sums a broadcast gradient back to `shape` (the backward of broadcasting): sums the leading axes
 * that broadcasting added and the axes where `shape` has extent 1.
 */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const plan = reductionPlan('sumToShape', grad.shape, { axis: axes, keepDim: true });
  const out = allocateUninitialized(grad.dtype, plan.outSize, 'sumToShape', plan.outShape);
  backend().reduce('sum', out, plan.outSize, plan.outStride, grad.nd, grad.shape);
  return new Tensor(createView(out, shape), grad.dtype);
}
