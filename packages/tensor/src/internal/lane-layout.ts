import type { StridedView } from '../kernels/types.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** The shape and axis a lane kernel (softmax, logSoftmax) sees for `x` along `axis`. */
export interface LaneLayout {
  readonly shape: readonly number[];
  readonly axis: number;
}

/**
 * Validates `axis` for `x` and returns the layout the lane kernels take. A 0-d tensor accepts axis
 * 0 or -1 (as in PyTorch) and is read as shape (1).
 * @throws {@link InvalidArgumentError} if `axis` is not an integer in [-ndim, ndim).
 */
export function laneLayout(op: string, x: Tensor, axis: number): LaneLayout {
  if (x.ndim === 0) {
    if (axis !== -1) normalizeAxis(op, axis, 0);
    return { shape: [1], axis: 0 };
  }
  return { shape: x.shape, axis: normalizeAxis(op, axis, x.ndim) };
}

/** `t`'s view as a lane kernel reads it under {@link laneLayout} (a 0-d view gets stride [1]). */
export function laneView(t: Tensor): StridedView {
  return t.ndim === 0 ? { data: t.nd.data, offset: t.nd.offset, stride: [1] } : t.nd;
}
