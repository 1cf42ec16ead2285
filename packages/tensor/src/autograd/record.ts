import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './grad-mode.js';
import type { GradNode } from './node.js';

/**
 * Attaches `backward` to `out` when recording is on and any input requires gradients; returns
 * `out`. Every differentiable op ends with `return record('op', out, [inputs], backward)`.
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly Tensor[],
  backward: GradNode['backward'],
): Tensor {
  if (!isGradEnabled()) return out;
  for (const t of inputs) {
    if (t.requiresGrad) {
      out.requiresGrad = true;
      out._node = { op, inputs, backward };
      return out;
    }
  }
  return out;
}
