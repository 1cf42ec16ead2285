import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { broadcastBinary } from '../internal/broadcast.js';
import { multiply, reduceKept, withShape } from '../internal/reduce-kept.js';
import { reductionPlan } from '../internal/reduction.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './reshape.js';
import type { ReduceOptions } from './sum.js';

/**
 * log Σ exp(x) over `axis` (all axes by default), computed without overflow.
 *
 * Shapes: x (...) -> x's shape without the reduced axes (extent 1 with `keepDim`)
 *
 * @param x - Input of any dtype.
 * @param options - `axis` (a number or a list, negative counts from the end) and `keepDim`.
 * @returns float32 for bool/int32 input, otherwise `x`'s dtype. A lane of all −Infinity (or an
 *   empty lane) gives −Infinity, a lane holding +Infinity gives +Infinity, as in PyTorch.
 * @throws {@link InvalidArgumentError} if an axis is out of range.
 * @remarks Stable form m + log Σ exp(x − m) with m the lane max, so the largest exponential is 1;
 *   an infinite m is replaced by 0 (PyTorch does the same) so that −∞ − (−∞) never makes a NaN.
 *   Exponentials and their sum are kept in float64. The gradient is exp(x − out), the softmax over
 *   the reduced axes; it is 0 where x = −∞, so an all −Infinity lane gets zero gradient where
 *   PyTorch gives NaN.
 * @see PyTorch `torch.logsumexp`.
 * @example
 * ```ts
 * logsumexp(tensor([[0, 0], [1000, 1000]]), { axis: 1 }); // [log 2, 1000 + log 2] ≈ [0.6931, 1000.6931]
 * ```
 */
export function logsumexp(x: Tensor, options: ReduceOptions = {}): Tensor {
  const plan = reductionPlan('logsumexp', x.shape, options);
  const shift = reduceKept('max', x, plan);
  const exps = broadcastBinary('logsumexp', x, shift, (v, m) => Math.exp(v - finiteOrZero(m)), 'float64');
  const total = reduceKept('sum', exps, plan);
  const lse = broadcastBinary(
    'logsumexp',
    shift,
    total,
    (m, s) => finiteOrZero(m) + Math.log(s), // lse = m + log Σ exp(x − m)
    toFloating(x.dtype),
  );
  return record('logsumexp', withShape(lse, plan.outShape), [x], (g) => {
    // d lse / dx = exp(x − lse), the softmax over the reduced axes.
    const weights = broadcastBinary('logsumexp', x, lse, softmaxWeight, 'float64');
    return [broadcastBinary('logsumexp', weights, reshape(g, plan.keptShape), multiply, x.dtype)];
  });
}

/** The shift for a lane with max m: m itself, or 0 when m = ±∞ (NaN stays NaN). */
const finiteOrZero = (m: number): number =>
  m === Number.POSITIVE_INFINITY || m === Number.NEGATIVE_INFINITY ? 0 : m;

const softmaxWeight = (v: number, lse: number): number =>
  v === Number.NEGATIVE_INFINITY ? 0 : Math.exp(v - lse);
