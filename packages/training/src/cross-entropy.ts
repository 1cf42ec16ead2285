import { softmaxCrossEntropyOp, type Tensor } from '@attnkit/tensor';
import type { Reduction } from './internal/reduction.js';

/** Options of {@link crossEntropy} (PyTorch `F.cross_entropy` keywords in camelCase). */
export interface CrossEntropyOptions {
  /** Targets equal to this contribute nothing (loss and gradient 0, not counted in the mean); default -100. */
  ignoreIndex?: number;
  /** ε in [0, 1]: mixes the one-hot target with the uniform distribution; default 0. */
  labelSmoothing?: number;
  /** 'mean' over non-ignored targets (default), 'sum', or 'none' (one loss per target). */
  reduction?: Reduction;
}

/**
 * Softmax cross-entropy between logits with the class axis last and integer class targets,
 * with PyTorch's `ignore_index` and label-smoothing semantics.
 *
 * Shapes: logits (..., C), targets (...) -> () or, with reduction 'none', (...)
 *
 * Per target: `ℓ = (1 − ε)·(−log pₜ) + ε·mean_c(−log p_c)` with `log p = logSoftmax(logits)`;
 * ignored targets give 0. 'mean' divides the sum by the number of non-ignored targets.
 *
 * @param logits - Unnormalised scores, float32 or float64, classes on the last axis (PyTorch puts
 *   them on axis 1; move them last, e.g. `(batch, steps, vocab)` as a language model produces).
 * @param targets - int32 class indices in [0, C), or `ignoreIndex`; `logits`'s shape without its last axis.
 * @param options - `ignoreIndex` (-100), `labelSmoothing` (0), `reduction` ('mean').
 * @returns The loss, differentiable in `logits`.
 * @throws {@link ShapeError} if `logits` is 0-d or has no classes, or `targets` does not have
 *   `logits`'s shape without its last axis (the message names both shapes).
 * @throws {@link InvalidArgumentError} if `logits` is not float32/float64, `targets` is not int32,
 *   a target lies outside [0, C) and is not `ignoreIndex`, `ignoreIndex` is not an integer,
 *   `labelSmoothing` lies outside [0, 1], or `reduction` is unknown.
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type. (`ignore_index` → `ignoreIndex`).
 * @remarks Runs the fused `softmaxCrossEntropy` of `@attnkit/tensor` (one pass per row forward
 *   from the row's max-shifted log-sum-exp, one backward pass writing
 *   `(softmax − smoothed one-hot) / count`; losses summed in float64). With every target ignored,
 *   'mean' gives NaN (0/0), as in PyTorch.
 * @see PyTorch `torch.nn.functional.cross_entropy`; Szegedy et al. 2016 (label smoothing);
 *   D2L §4.1 "Softmax Regression".
 * @example
 * ```ts
 * crossEntropy(tensor([[2, 1, 0.1]]), tensor([0], { dtype: 'int32' })).item(); // 0.4170
 * ```
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  // The fused op of @attnkit/tensor, whose one validation names this function in its errors.
  return softmaxCrossEntropyOp('crossEntropy', logits, targets, options);
}
