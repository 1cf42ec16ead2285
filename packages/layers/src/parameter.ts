import { createView, InvalidArgumentError, Tensor } from '@attnkit/tensor';

/**
 * A trainable tensor: a leaf that always requires gradients (PyTorch `torch.nn.Parameter`).
 *
 * Shapes: data (...) -> (...), same shape and dtype
 *
 * A `Parameter` is a {@link Tensor} (so every op accepts it) that {@link Module.registerParameter}
 * recognises. It shares storage with `data` when `data` is contiguous (as PyTorch does) and copies
 * it otherwise, so its own storage is always row-major — which is what lets
 * {@link Module.loadStateDict} and optimizers update it in place while keeping its identity.
 *
 * @param data - Initial values, `float32` or `float64`; its autograd history is dropped.
 * @throws {@link InvalidArgumentError} if `data` is not `float32` or `float64`.
 * @see PyTorch `torch.nn.Parameter`; D2L §6.2 "Parameter Management".
 * @example
 * ```ts
 * const weight = new Parameter(zeros([3, 4]));
 * weight.requiresGrad; // true
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor) {
    if (data.dtype !== 'float32' && data.dtype !== 'float64') {
      throw new InvalidArgumentError(
        `Parameter: data must have dtype float32 or float64; got ${data.dtype}.`,
      );
    }
    // toTypedArray() is a no-copy subarray for a contiguous view and a fresh copy otherwise.
    super(createView(data.toTypedArray(), data.shape), data.dtype, true);
  }

  /** PyTorch's `nn.Parameter` repr: `Parameter containing:` above the tensor's text. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
