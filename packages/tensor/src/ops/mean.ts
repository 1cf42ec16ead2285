import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { broadcastBinary } from '../internal/broadcast.js';
import { divide, reduceKept, withShape } from '../internal/reduce-kept.js';
import { reductionPlan } from '../internal/reduction.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { scalar } from './creation.js';
import { reshape } from './reshape.js';
import type { ReduceOptions } from './sum.js';

/**
 * Arithmetic mean over `axis` (all axes by default), summed in float64.
 *
 * Shapes: x (...) -> x's shape without the reduced axes (extent 1 with `keepDim`)
 *
 * @param x - Input of any dtype.
 * @param options - `axis` (a number or a list, negative counts from the end) and `keepDim`.
 * @returns The means as float32 for bool/int32 input (PyTorch refuses integer input; we promote),
 *   otherwise in `x`'s dtype. The mean over zero elements is NaN, as in PyTorch.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @remarks The sum is accumulated in float64 and divided once, then rounded to the result dtype.
 * @see PyTorch `torch.mean`.
 * @example
 * ```ts
 * mean(tensor([[1, 2], [3, 5]]), { axis: 0 }); // [2, 3.5]
 * ```
 */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const plan = reductionPlan('mean', x.shape, options);
  const count = scalar(
    plan.axes.reduce((n, a) => n * x.shape[a]!, 1),
    'float64',
  );
  const means = broadcastBinary('mean', reduceKept('sum', x, plan), count, divide, toFloating(x.dtype));
  // d(mean)/dx = 1/count everywhere: broadcast g back over the reduced axes and divide.
  return record('mean', withShape(means, plan.outShape), [x], (g) => [
    broadcastBinary('mean', broadcastTo(reshape(g, plan.keptShape), x.shape), count, divide, x.dtype),
  ]);
}

// The method form (`x.mean(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ mean });
