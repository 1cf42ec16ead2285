import '../kernels/js/log-softmax.js';
import { record } from '../autograd/record.js';
import { allocateUninitialized, toFloating } from '../dtype.js';
import { laneLayout, laneView } from '../internal/lane-layout.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { provideMethods, Tensor } from '../tensor.js';

/**
 * Log of the softmax along `axis`: x − log Σ exp(x), computed without forming the softmax.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - Logits of any dtype (bool/int32 give a float32 result).
 * @param axis - The axis to normalise over; negative counts from the end. Defaults to the last.
 * @returns Log-probabilities with `x`'s shape, in `x`'s floating dtype; exp of each lane sums to 1.
 * @throws {@link InvalidArgumentError} if `axis` is out of range.
 * @remarks Stable: (x − m) − log Σ exp(x − m) with m the lane max and the sum in float64, so a
 *   probability far below float32's smallest normal keeps its exponent (log(softmax(x)) would give
 *   −Infinity). A lane of all −Infinity gives NaN, as in PyTorch.
 * @see PyTorch `torch.log_softmax`.
 * @example
 * ```ts
 * logSoftmax(tensor([[1, 2, 3]])); // [[-2.4076, -1.4076, -0.4076]]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const layout = laneLayout('logSoftmax', x, axis);
  const dtype = toFloating(x.dtype);
  const out = allocateUninitialized(dtype, x.numel());
  backend().logSoftmax(out, laneView(x), layout.shape, layout.axis);
  const y = new Tensor(createView(out, x.shape), dtype);
  // Fused backward, dx = g − exp(y) Σ g, instead of differentiating the composite
  // x − m − log Σ exp(x − m): one kernel pass per lane from y alone (exp(y) is the softmax), no
  // intermediates and no gradient routed through the max shift; the sum is kept in float64.
  return record('logSoftmax', y, [x], (g) => {
    const dx = allocateUninitialized(dtype, x.numel());
    backend().logSoftmaxBackward(dx, laneView(y), laneView(g), layout.shape, layout.axis);
    return [new Tensor(createView(dx, x.shape), dtype)];
  });
}

// The method form (`x.logSoftmax(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ logSoftmax });
