import {
  checkOptions,
  formatShape,
  InvalidArgumentError,
  isFloating,
  ShapeError,
  softmaxCrossEntropy,
  type Tensor,
} from '@attnkit/tensor';
import { checkUnitInterval } from './internal/check.js';
import { checkReduction, type Reduction } from './internal/reduction.js';

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
  const op = 'crossEntropy';
  checkOptions(op, options, { ignoreIndex: 'number', labelSmoothing: 'number', reduction: 'string' });
  const reduction = checkReduction(op, options.reduction ?? 'mean');
  const epsilon = checkUnitInterval(op, 'labelSmoothing', options.labelSmoothing ?? 0, true);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isSafeInteger(ignoreIndex)) {
    throw new InvalidArgumentError(`${op}: ignoreIndex must be an integer; got ${String(ignoreIndex)}.`);
  }
  if (!isFloating(logits.dtype)) {
    throw new InvalidArgumentError(`${op}: logits must have dtype float32 or float64; got ${logits.dtype}.`);
  }
  if (targets.dtype !== 'int32') {
    throw new InvalidArgumentError(`${op}: targets must have dtype int32; got ${targets.dtype}.`);
  }
  const classes = logits.shape[logits.ndim - 1] ?? 0;
  if (logits.ndim === 0 || classes === 0) {
    throw new ShapeError(
      `${op}: logits must have shape (..., C) with C ≥ 1; got ${formatShape(logits.shape)}.`,
    );
  }
  const lead = logits.shape.slice(0, -1);
  if (targets.ndim !== lead.length || !targets.shape.every((d, i) => d === lead[i])) {
    throw new ShapeError(
      `${op}: targets must have shape ${formatShape(lead)} to match logits ${formatShape(logits.shape)}; got ${formatShape(targets.shape)}.`,
    );
  }

  const t = targets.toTypedArray();
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= classes)) {
      throw new InvalidArgumentError(
        `${op}: targets must lie in [0, ${classes}) or equal ignoreIndex ${ignoreIndex}; got ${v} at flat index ${i}.`,
      );
    }
  }
  // One fused op: a pass per row forward and one backward (see softmaxCrossEntropy).
  return softmaxCrossEntropy(logits, targets, { ignoreIndex, labelSmoothing: epsilon, reduction });
}
