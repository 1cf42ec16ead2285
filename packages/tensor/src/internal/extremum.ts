import '../kernels/js/arg-reduce.js';
import { record } from '../autograd/record.js';
import { allocate } from '../dtype.js';
import { formatShape, InvalidArgumentError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import type { ArgReduceOptions } from '../ops/argmax.js';
import { reshape } from '../ops/reshape.js';
import type { ReduceOptions } from '../ops/sum.js';
import { normalizeAxis } from '../shape.js';
import { fromData, type Tensor } from '../tensor.js';
import { broadcastBinary } from './broadcast.js';
import { divide, multiply, reduceKept } from './reduce-kept.js';
import { checkReduceOptions, reductionPlan } from './reduction.js';

const isEqual = (x: number, y: number): number => (x === y ? 1 : 0);

/**
 * Throws unless every reduced axis is non-empty: max, min, argmax and argmin have no identity
 * element (PyTorch raises too).
 */
function checkNonEmpty(op: string, shape: readonly number[], axes: readonly number[]): void {
  for (const a of axes) {
    if (shape[a] === 0) {
      throw new InvalidArgumentError(
        `${op}: x must have a non-zero extent on every reduced axis; got shape ${formatShape(shape)} (axis ${a} is empty).`,
      );
    }
  }
}

/** The forward and backward shared by {@link max} and {@link min} (PyTorch `amax`/`amin`). */
export function extremum(op: 'max' | 'min', x: Tensor, options: ReduceOptions): Tensor {
  const plan = reductionPlan(op, x.shape, options);
  checkNonEmpty(op, x.shape, plan.axes);
  const out = allocate(x.dtype, plan.outSize);
  backend().reduce(op, out, plan.outSize, plan.outStride, x.nd, x.shape);
  const result = fromData(out, plan.outShape, x.dtype);
  return record(op, result, [x], (g) => {
    // dx = g · [x = m] / #{x = m}: every position holding the extreme gets an equal share, so the
    // gradient sums to g even with ties (PyTorch amax/amin).
    const hit = broadcastBinary(op, x, fromData(out, plan.keptShape, x.dtype), isEqual, 'float64');
    const share = broadcastBinary(
      op,
      reshape(g, plan.keptShape),
      reduceKept('sum', hit, plan),
      divide,
      'float64',
    );
    return [broadcastBinary(op, hit, share, multiply, x.dtype)];
  });
}

/** The forward shared by {@link argmax} and {@link argmin}; indices are int32 and not differentiable. */
export function argExtremum(op: 'argmax' | 'argmin', x: Tensor, options: ArgReduceOptions): Tensor {
  checkReduceOptions(op, options, { expected: 'a number', test: (v) => typeof v === 'number' });
  if (options.axis === undefined) {
    // Index into the row-major flattening of x (a contiguous copy when x is a strided view).
    checkNonEmpty(op, [x.numel()], [0]);
    const out = new Int32Array(1);
    backend().argReduce(op, out, { data: x.toTypedArray(), offset: 0, stride: [1] }, [x.numel()], 0);
    return fromData(out, options.keepDim ? x.shape.map(() => 1) : [], 'int32');
  }
  // A 0-d tensor takes axis 0 or -1, as in PyTorch; its only index is 0.
  const axis = x.ndim === 0 && options.axis === -1 ? 0 : normalizeAxis(op, options.axis, x.ndim);
  if (x.ndim === 0) return fromData(new Int32Array(1), [], 'int32');
  checkNonEmpty(op, x.shape, [axis]);
  const kept = x.shape.map((d, i) => (i === axis ? 1 : d));
  const out = new Int32Array(x.numel() / x.shape[axis]!);
  backend().argReduce(op, out, x.nd, x.shape, axis);
  return fromData(out, options.keepDim ? kept : x.shape.filter((_, i) => i !== axis), 'int32');
}
