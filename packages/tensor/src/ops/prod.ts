import { record } from '../autograd/record.js';
import { allocate, promoteTypes } from '../dtype.js';
import { broadcastBinary } from '../internal/broadcast.js';
import { mapElements, multiply, reduceKept } from '../internal/reduce-kept.js';
import { reductionPlan } from '../internal/reduction.js';
import { backend } from '../kernels/registry.js';
import { fromData, type Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import type { ReduceOptions } from './sum.js';

/**
 * Product of elements over `axis` (all axes by default), accumulated in float64.
 *
 * Shapes: x (...) -> x's shape without the reduced axes (extent 1 with `keepDim`)
 *
 * @param x - Input of any dtype.
 * @param options - `axis` (a number or a list, negative counts from the end) and `keepDim`.
 * @returns The products, int32 for bool/int32 input (PyTorch gives int64; int32 wraps on
 *   overflow), otherwise in `x`'s dtype. The product over zero elements is 1.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @remarks The gradient Π_{j≠i} x_j is built from the number of zeros in each lane and the product
 *   of its non-zero elements rather than from out / x_i, which would be 0/0 at a zero.
 * @see PyTorch `torch.prod`.
 * @example
 * ```ts
 * prod(tensor([[1, 2], [3, 4]]), { axis: 1 }); // [2, 12]
 * ```
 */
export function prod(x: Tensor, options: ReduceOptions = {}): Tensor {
  const plan = reductionPlan('prod', x.shape, options);
  const dtype = promoteTypes(x.dtype, 'int32');
  const out = allocate(dtype, plan.outSize, 'prod', plan.outShape);
  backend().reduce('prod', out, plan.outSize, plan.outStride, x.nd, x.shape);
  return record('prod', fromData(out, plan.outShape, dtype), [x], (g) => {
    const zeros = reduceKept('sum', mapElements('prod', x, isZero, 'float64'), plan);
    const nonZero = reduceKept('prod', mapElements('prod', x, zeroToOne, 'float64'), plan);
    // dx_i = g · Π_{j≠i} x_j = g · P · f_i with P the product of the lane's non-zero elements and
    // f_i = 1/x_i with no zero in the lane, [x_i = 0] with exactly one, 0 with two or more.
    const scaled = broadcastBinary('prod', reshape(g, plan.keptShape), nonZero, multiply, 'float64');
    const factor = broadcastBinary('prod', x, zeros, othersFactor, 'float64');
    return [broadcastBinary('prod', factor, scaled, multiply, x.dtype)];
  });
}

const isZero = (v: number): number => (v === 0 ? 1 : 0);
const zeroToOne = (v: number): number => (v === 0 ? 1 : v);

function othersFactor(v: number, zeros: number): number {
  if (zeros === 0) return 1 / v;
  return zeros === 1 && v === 0 ? 1 : 0;
}
