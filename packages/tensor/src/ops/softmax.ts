import { record } from '../autograd/record.js';
import { allocateUninitialized, toFloating } from '../dtype.js';
import { laneLayout, laneView } from '../internal/lane-layout.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { Tensor } from '../tensor.js';

/**
 * Softmax along `axis`: exp(x) / Σ exp(x), each lane non-negative and summing to 1.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - Logits of any dtype (bool/int32 give a float32 result).
 * @param axis - The axis to normalise over; negative counts from the end. Defaults to the last.
 * @returns Probabilities with `x`'s shape, in `x`'s floating dtype.
 * @throws {@link InvalidArgumentError} if `axis` is out of range.
 * @remarks Stable: the lane max m is subtracted first (exp(x − m) ≤ 1) and the sum is kept in
 *   float64, so logits of ±1e4 give exact 0s and 1s rather than NaN. A lane of all −Infinity gives
 *   NaN, as in PyTorch (−∞ − (−∞)); masking layers treat fully-masked rows themselves.
 * @see D2L §11.3 "Attention Scoring Functions"; PyTorch `torch.softmax`.
 * @example
 * ```ts
 * softmax(tensor([[1, 2, 3]])); // [[0.0900, 0.2447, 0.6652]]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const layout = laneLayout('softmax', x, axis);
  const dtype = toFloating(x.dtype);
  const out = allocateUninitialized(dtype, x.numel());
  backend().softmax(out, laneView(x), layout.shape, layout.axis);
  const y = new Tensor(createView(out, x.shape), dtype);
  // Fused backward, dx = y ⊙ (g − Σ g⊙y), instead of differentiating the composite
  // exp(x − max) / sum: one kernel pass per lane from y alone (no exp, max-mask or division
  // intermediates, no gradient routed through the max shift), and every term is bounded by |g|
  // because y ∈ [0, 1], with the dot product accumulated in float64.
  return record('softmax', y, [x], (g) => {
    const dx = allocateUninitialized(dtype, x.numel());
    backend().softmaxBackward(dx, laneView(y), laneView(g), layout.shape, layout.axis);
    return [new Tensor(createView(dx, x.shape), dtype)];
  });
}
