import { InvalidArgumentError } from '../errors.js';
import { isReleased } from '../memory/with-arena.js';
import { Tensor } from '../tensor.js';
import { checkOptions, describeValue } from '../validation/check-options.js';

/** Options of {@link zeroGrads}. */
export interface ZeroGradsOptions {
  /**
   * Set every `.grad` to `null` instead of zeroing it in place (PyTorch `set_to_none=True`); the
   * next `backward()` then allocates new gradient storage. Default `false`.
   */
  setToNone?: boolean;
}

/**
 * Resets the gradients of `tensors` before the next `backward()` (what `Module.zeroGrad` and
 * `Optimizer.zeroGrad` run; PyTorch `zero_grad(set_to_none=False)`, the default of the PyTorch
 * 1.x line). A contiguous `.grad` is zeroed in place, so `backward()` accumulates into the same
 * storage every step and a training loop allocates no gradients after its first step; a `.grad`
 * that is a strided view, or released by a `withArena` scope, is set to `null`. With zeroing,
 * as in PyTorch, a parameter that gets no gradient in a step keeps a zero `.grad` (optimizers
 * update it — weight decay, momentum — where they would skip a `null` one), and a reference to
 * the old `.grad` sees the zeros and the next step's gradient.
 *
 * @param tensors - The tensors whose `.grad` to reset (e.g. `model.parameters()`).
 * @param options - `setToNone` (default `false`).
 * @throws {@link InvalidArgumentError} if `tensors` holds something that is not a Tensor, or
 *   `options` has unknown keys or a `setToNone` that is not a boolean.
 * @see PyTorch `torch.optim.Optimizer.zero_grad`, `torch.nn.Module.zero_grad`.
 */
export function zeroGrads(tensors: Iterable<Tensor>, options: ZeroGradsOptions = {}): void {
  checkOptions('zeroGrads', options, { setToNone: 'boolean' });
  const toNone = options.setToNone === true;
  let index = 0;
  for (const t of tensors) {
    if (!(t instanceof Tensor)) {
      throw new InvalidArgumentError(
        `zeroGrads: tensors[${index}] must be a Tensor; got ${describeValue(t)}.`,
      );
    }
    index++;
    const g = t.grad;
    if (g === null) continue;
    if (toNone || isReleased(g) || !g.isContiguous()) t.grad = null;
    else g.toTypedArray().fill(0);
  }
}
