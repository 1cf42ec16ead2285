import { isFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { broadcastBinary, type TensorOrScalar } from '../internal/broadcast.js';
import type { BinaryFn } from '../kernels/binary.js';
import { Tensor } from '../tensor.js';
import { scalar } from './creation.js';

/**
 * Both operands as tensors. A number next to a float tensor takes its dtype (so 0.1 compares
 * equal to a float32 0.1, as in PyTorch); next to an int32 or bool tensor it stays float64, which
 * holds both exactly (so `eq(boolTensor, 2)` is false, not a 2 cast to true).
 */
function compareOperands(op: string, a: TensorOrScalar, b: TensorOrScalar): [Tensor, Tensor] {
  const wrap = (x: TensorOrScalar, other: TensorOrScalar, argument: string): Tensor => {
    if (x instanceof Tensor) return x;
    if (typeof x !== 'number') {
      throw new InvalidArgumentError(`${op}: ${argument} must be a Tensor or a number; got ${typeof x}.`);
    }
    if (!(other instanceof Tensor))
      throw new InvalidArgumentError(`${op}: at least one of a and b must be a Tensor.`);
    return scalar(x, isFloating(other.dtype) ? other.dtype : 'float64');
  };
  return [wrap(a, b, 'a'), wrap(b, a, 'b')];
}

function compare(op: string, a: TensorOrScalar, b: TensorOrScalar, f: BinaryFn): Tensor {
  const [ta, tb] = compareOperands(op, a, b);
  // Comparisons are not differentiable: nothing is recorded.
  return broadcastBinary(op, ta, tb, f, 'bool');
}

const isEq = (x: number, y: number): number => (x === y ? 1 : 0);
const isNe = (x: number, y: number): number => (x !== y ? 1 : 0);
const isLt = (x: number, y: number): number => (x < y ? 1 : 0);
const isLe = (x: number, y: number): number => (x <= y ? 1 : 0);
const isGt = (x: number, y: number): number => (x > y ? 1 : 0);
const isGe = (x: number, y: number): number => (x >= y ? 1 : 0);

/**
 * Elementwise a == b with broadcasting; NaN equals nothing, not even NaN.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * eq(tensor([1, 2, 3]), tensor([1, 0, 3])); // [true, false, true]
 * ```
 */
export function eq(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare('eq', a, b, isEq);
}

/**
 * Elementwise a != b with broadcasting; NaN differs from everything, NaN included.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * ne(tensor([1, 2, 3]), 2); // [true, false, true]
 * ```
 */
export function ne(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare('ne', a, b, isNe);
}

/**
 * Elementwise a < b with broadcasting; false wherever either side is NaN.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * lt(tensor([1, 2, 3]), 2); // [true, false, false]
 * ```
 */
export function lt(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare('lt', a, b, isLt);
}

/**
 * Elementwise a <= b with broadcasting; false wherever either side is NaN.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * le(tensor([1, 2, 3]), 2); // [true, true, false]
 * ```
 */
export function le(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare('le', a, b, isLe);
}

/**
 * Elementwise a > b with broadcasting; false wherever either side is NaN.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * gt(tensor([1, 2, 3]), 2); // [false, false, true]
 * ```
 */
export function gt(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare('gt', a, b, isGt);
}

/**
 * Elementwise a >= b with broadcasting; false wherever either side is NaN.
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * ge(tensor([1, 2, 3]), 2); // [false, true, true]
 * ```
 */
export function ge(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  return compare('ge', a, b, isGe);
}
