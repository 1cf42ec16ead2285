import { relu, type Tensor } from '@attnkit/tensor';
import { Module } from './module.js';

/**
 * Rectified linear unit as a layer, max(x, 0) elementwise (PyTorch `nn.ReLU`); no parameters.
 *
 * Shapes: x (...) -> (...)
 *
 * @see D2L §5.1 "Multilayer Perceptrons"; `PositionWiseFFN` in §11.7.
 * @example
 * ```ts
 * new ReLU().forward(tensor([-1, 0, 2])); // [0, 0, 2]
 * ```
 */
export class ReLU extends Module {
  /** Applies max(x, 0) elementwise. */
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
