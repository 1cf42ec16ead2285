import { binaryOperands, broadcastBinary, type TensorOrScalar } from '../internal/broadcast.js';
import { expectTensor, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';

// Any dtype is accepted; nonzero (NaN included) is true, as in PyTorch.
const and = (x: number, y: number): number => (x !== 0 && y !== 0 ? 1 : 0);
const or = (x: number, y: number): number => (x !== 0 || y !== 0 ? 1 : 0);
const not = (x: number): number => (x === 0 ? 1 : 0);

/**
 * Elementwise logical AND with broadcasting; nonzero counts as true (PyTorch `logical_and`).
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor (usually `bool`) or a number.
 * @param b - A tensor (usually `bool`) or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * logicalAnd(tensor([true, true, false]), tensor([true, false, false])); // [true, false, false]
 * ```
 */
export function logicalAnd(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb] = binaryOperands('logicalAnd', a, b);
  return broadcastBinary('logicalAnd', ta, tb, and, 'bool');
}

/**
 * Elementwise logical OR with broadcasting; nonzero counts as true (PyTorch `logical_or`).
 *
 * Shapes: a (...), b (...) -> broadcast shape
 *
 * @param a - A tensor (usually `bool`) or a number.
 * @param b - A tensor (usually `bool`) or a number.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link ShapeError} if the shapes do not broadcast.
 * @throws {@link InvalidArgumentError} if neither operand is a Tensor.
 * @example
 * ```ts
 * logicalOr(tensor([true, true, false]), tensor([true, false, false])); // [true, true, false]
 * ```
 */
export function logicalOr(a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const [ta, tb] = binaryOperands('logicalOr', a, b);
  return broadcastBinary('logicalOr', ta, tb, or, 'bool');
}

/**
 * Elementwise logical NOT; zero becomes true and anything else false (PyTorch `logical_not`).
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor, usually `bool`.
 * @returns A new `bool` tensor; not differentiable.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @example
 * ```ts
 * logicalNot(tensor([true, false])); // [false, true]
 * ```
 */
export function logicalNot(x: Tensor): Tensor {
  expectTensor('logicalNot', x);
  return mapUnary(x, not, 'bool');
}
