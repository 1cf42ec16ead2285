import '../kernels/js/relu.js';
import { record } from '../autograd/record.js';
import { allocateUninitialized } from '../dtype.js';
import { expectTensor } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import { fromData, provideMethods, type Tensor } from '../tensor.js';

/**
 * Elementwise rectified linear unit max(x, 0); NaN stays NaN.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s dtype.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @remarks The gradient is 1 where the output is positive and 0 elsewhere, so 0 at x = 0 (PyTorch).
 * @see D2L §5.1 "Multilayer Perceptrons" (ReLU function).
 * @example
 * ```ts
 * relu(tensor([-1, 0, 2])); // [0, 0, 2]
 * ```
 */
export function relu(x: Tensor): Tensor {
  expectTensor('relu', x);
  // Own kernels rather than mapUnary/mapGrad with a callback, for speed (see kernels/relu.ts);
  // Math.max propagates NaN, like PyTorch's relu.
  const data = allocateUninitialized(x.dtype, x.numel());
  backend().relu(data, x.shape, x.nd);
  const out = fromData(data, x.shape, x.dtype);
  return record('relu', out, [x], (g) => {
    const dx = allocateUninitialized(g.dtype, g.numel());
    backend().reluBackward(dx, g.shape, g.nd, data);
    return [fromData(dx, g.shape, g.dtype)];
  });
}

// The method form (`x.relu(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ relu });
