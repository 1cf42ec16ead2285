import { record } from '../autograd/record.js';
import { allocate, promoteTypes } from '../dtype.js';
import { reductionPlan } from '../internal/reduction.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { provideMethods, Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { reshape } from './reshape.js';

/** Options of the reductions. */
export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes with extent 1 (PyTorch `keepdim`). */
  keepDim?: boolean;
}

/**
 * Sum of elements over `axis` (all axes by default), accumulated in float64.
 *
 * Shapes: x (...) -> x's shape without the reduced axes (extent 1 with `keepDim`)
 *
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @throws {@link InvalidArgumentError} if `options` is not an options object (`sum(x, 0)`: use `sum(x, { axis: 0 })`), has an unknown key, or `keepDim` is not a boolean.
 * @example
 * ```ts
 * sum(tensor([[1, 2], [3, 4]]), { axis: 1 }); // [3, 7]
 * ```
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const plan = reductionPlan('sum', x.shape, options);
  // Summing booleans counts them (PyTorch gives int64; int32 here).
  const dtype = promoteTypes(x.dtype, 'int32');
  const out = allocate(dtype, plan.outSize, 'sum', plan.outShape);
  backend().reduce('sum', out, plan.outSize, plan.outStride, x.nd, x.shape);
  const result = new Tensor(createView(out, plan.outShape), dtype);
  // d(sum)/dx = 1 everywhere: broadcast the gradient back over the reduced axes.
  return record('sum', result, [x], (g) => [broadcastTo(reshape(g, plan.keptShape), x.shape)]);
}

// The method form (`x.sum(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ sum });
