import type { DType } from '../dtype.js';
import type { ArithmeticOp } from '../kernels/arithmetic.js';
import type { ReduceKind } from '../kernels/reduce.js';
import { backend } from '../kernels/registry.js';
import { scalar } from '../ops/creation.js';
import { fromData, type Tensor } from '../tensor.js';
import { broadcastBinary } from './broadcast.js';
import type { ReductionPlan } from './reduction.js';

/**
 * Runs `backend().reduce` over `x` into a fresh float64 tensor of `plan.keptShape` (reduced axes kept
 * with extent 1), so it broadcasts against `x` in later steps without rounding to `x`'s dtype.
 */
export function reduceKept(kind: ReduceKind, x: Tensor, plan: ReductionPlan): Tensor {
  const out = new Float64Array(plan.outSize);
  backend().reduce(kind, out, plan.outSize, plan.outStride, x.nd, x.shape);
  return fromData(out, plan.keptShape, 'float64');
}

/** f applied to every element of `x` (through the binary kernel), as a new tensor of `dtype`. */
export function mapElements(op: string, x: Tensor, f: (v: number) => number, dtype: DType): Tensor {
  return broadcastBinary(op, x, scalar(0, 'float64'), (v) => f(v), dtype);
}

/** A contiguous tensor (as `broadcastBinary` returns) read under another shape of equal size. */
export function withShape(t: Tensor, shape: readonly number[]): Tensor {
  return fromData(t.nd.data, shape, t.dtype);
}

/** x · y in float64, rounded by the store (the arithmetic kernel's `'mul'`, not int32 `Math.imul`). */
export const multiply: ArithmeticOp = 'mul';

/** x / y, for the arithmetic kernel. */
export const divide: ArithmeticOp = 'div';
