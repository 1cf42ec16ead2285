import { allocateUninitialized, type DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { BinaryFn } from '../kernels/binary.js';
import { backend } from '../kernels/registry.js';
import type { UnaryFn } from '../kernels/unary.js';
import { createView } from '../ndarray.js';
import { Tensor } from '../tensor.js';
import { broadcastBinary } from './broadcast.js';

/**
 * Checks that `x` is a Tensor (for callers from plain JavaScript).
 * @throws {@link InvalidArgumentError} otherwise.
 */
export function expectTensor(op: string, x: unknown, argument = 'x'): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a Tensor; got ${describe(x)}.`);
  }
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x;
}

/**
 * Checks that `x` is a `bool` Tensor.
 * @throws {@link InvalidArgumentError} otherwise.
 */
export function expectBool(op: string, x: unknown, argument: string): asserts x is Tensor {
  expectTensor(op, x, argument);
  if (x.dtype !== 'bool') {
    throw new InvalidArgumentError(`${op}: ${argument} must have dtype bool; got ${x.dtype}.`);
  }
}

/** Runs the unary kernel: a new contiguous tensor of `x`'s shape holding `f(x)` as `dtype`. */
export function mapUnary(x: Tensor, f: UnaryFn, dtype: DType = x.dtype): Tensor {
  const out = allocateUninitialized(dtype, x.numel());
  backend().unary(f, out, x.shape, x.nd);
  return new Tensor(createView(out, x.shape), dtype);
}

/**
 * The backward of a unary op in one pass: `d(g[i], v[i])` where `v` is the op's input or output
 * (whichever the derivative is cheaper in) and `g` the incoming gradient, of `g`'s dtype.
 */
export function mapGrad(g: Tensor, v: Tensor, d: BinaryFn): Tensor {
  return broadcastBinary('backward', g, v, d, g.dtype);
}
