import { checkOptions, formatShape, ShapeError, square, sub, type Tensor } from '@attnkit/tensor';
import { checkReduction, type Reduction, reduce } from './internal/reduction.js';

/** Options of {@link mseLoss}. */
export interface MseLossOptions {
  /** 'mean' (default), 'sum' or 'none' (per element). */
  reduction?: Reduction;
}

/**
 * Mean squared error `(pred − target)²`, reduced by mean (default), sum or not at all
 * (PyTorch `F.mse_loss`).
 *
 * Shapes: pred (...), target (...) same shape -> () or, with reduction 'none', (...)
 *
 * @param pred - Predictions, float32 or float64.
 * @param target - Targets of the same shape.
 * @param options - `reduction`: 'mean' | 'sum' | 'none'.
 * @returns A scalar tensor (or `pred`'s shape for 'none'); differentiable in both arguments.
 * @throws {@link ShapeError} if `pred` and `target` have different shapes (PyTorch would
 *   broadcast with a warning; here a mismatch is almost always a bug).
 * @throws {@link InvalidArgumentError} if `reduction` is not 'none', 'mean' or 'sum'.
 * @remarks D2L's `squared_loss` is `(ŷ − y)² / 2`; this one has no ½, as in PyTorch.
 * @see PyTorch `torch.nn.functional.mse_loss`; D2L §3.4 "Linear Regression Implementation from Scratch".
 * @example
 * ```ts
 * mseLoss(tensor([1, 2, 3]), tensor([1, 2, 5])).item(); // 4/3
 * ```
 */
export function mseLoss(pred: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  checkOptions('mseLoss', options, { reduction: 'string' });
  const reduction = checkReduction('mseLoss', options.reduction ?? 'mean');
  const same = pred.ndim === target.ndim && pred.shape.every((d, i) => d === target.shape[i]);
  if (!same) {
    throw new ShapeError(
      `mseLoss: target must have shape ${formatShape(pred.shape)} to match pred; got ${formatShape(target.shape)}.`,
    );
  }
  return reduce(square(sub(pred, target)), reduction);
}
