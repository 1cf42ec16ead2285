import { InvalidArgumentError, mean, sum, type Tensor } from '@attnkit/tensor';

/** How a loss reduces its per-element values (PyTorch `reduction`). */
export type Reduction = 'none' | 'mean' | 'sum';

/**
 * Checks a `reduction` option.
 * @throws {@link InvalidArgumentError} naming `op` if it is not 'none', 'mean' or 'sum'.
 */
export function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new InvalidArgumentError(
      `${op}: reduction must be 'none', 'mean' or 'sum'; got ${String(reduction)}.`,
    );
  }
  return reduction;
}

/** Applies a reduction to per-element losses. */
export function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? sum(losses) : mean(losses);
}
