import '../kernels/js/softmax-cross-entropy.js';
import { record } from '../autograd/record.js';
import { allocate, allocateUninitialized, isFloating } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { expectTensor } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import { createView } from '../ndarray.js';
import { Tensor } from '../tensor.js';
import { checkOptions } from '../validation/check-options.js';

/** Options of {@link softmaxCrossEntropy} (PyTorch `F.cross_entropy` keywords in camelCase). */
export interface SoftmaxCrossEntropyOptions {
  /** Targets equal to this contribute nothing (loss and gradient 0, not counted in the mean); default -100. */
  ignoreIndex?: number;
  /** ε in [0, 1]: mixes the one-hot target with the uniform distribution; default 0. */
  labelSmoothing?: number;
  /** 'mean' over non-ignored targets (default), 'sum', or 'none' (one loss per target). */
  reduction?: 'mean' | 'sum' | 'none';
}

/**
 * Softmax cross-entropy of logits (classes on the last axis) against int32 class targets, as one
 * fused op: the language-model loss (PyTorch `F.cross_entropy` with the class axis moved last).
 *
 * Shapes: logits (..., C), targets (...) -> () or, with reduction 'none', (...)
 *
 * Per target: `ℓ = (1 − ε)·(−log pₜ) + ε·mean_c(−log p_c)` with `p = softmax(logits)`; ignored
 * targets give 0; 'mean' divides the sum by the number of non-ignored targets (NaN when all are
 * ignored, as PyTorch).
 *
 * @param logits - float32 or float64 scores, classes on the last axis.
 * @param targets - int32 class indices in [0, C), or `ignoreIndex`; `logits`'s shape without its last axis.
 * @param options - `ignoreIndex` (-100), `labelSmoothing` (0), `reduction` ('mean').
 * @returns The loss in `logits`'s dtype, differentiable in `logits`.
 * @throws {@link InvalidArgumentError} if `logits` or `targets` is not a Tensor, `logits` is not
 *   float32/float64, `targets` is not int32, a target lies outside [0, C) and is not
 *   `ignoreIndex`, or an option is unknown, of the wrong type or out of range.
 * @throws {@link ShapeError} if `logits` is 0-d or has no classes, or `targets` does not have
 *   `logits`'s shape without its last axis (the message names both shapes).
 * @remarks Fused for speed (the composite logSoftmax → gather → neg → where → sum → div made six
 *   tensors and a softmax-sized gradient pass): one pass per row forward keeps only the row's
 *   log-sum-exp lse = m + log Σ exp(x − m) (m the row max, sums in float64), and the backward
 *   writes `scale·(softmax − (1 − ε)·onehot − ε/C)` in one pass, recomputing exp(x − lse). Losses
 *   are summed in float64 and rounded once.
 * @see PyTorch `torch.nn.functional.cross_entropy`; Szegedy et al. 2016 (label smoothing);
 *   D2L §4.1 "Softmax Regression".
 * @example
 * ```ts
 * softmaxCrossEntropy(tensor([[2, 1, 0.1]]), tensor([0], { dtype: 'int32' })).item(); // 0.4170
 * ```
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  targets: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  return softmaxCrossEntropyOp('softmaxCrossEntropy', logits, targets, options);
}

/**
 * {@link softmaxCrossEntropy} with every error naming `op`: the one validation shared with
 * `crossEntropy` of @attnkit/training, which is this op under its PyTorch name.
 *
 * @param op - The public function the caller exposes, e.g. `'crossEntropy'` (the message prefix).
 * @throws As {@link softmaxCrossEntropy}, with messages starting `${op}: `.
 */
export function softmaxCrossEntropyOp(
  op: string,
  logits: Tensor,
  targets: Tensor,
  options: SoftmaxCrossEntropyOptions = {},
): Tensor {
  expectTensor(op, logits, 'logits');
  expectTensor(op, targets, 'targets');
  checkOptions(op, options, { ignoreIndex: 'number', labelSmoothing: 'number', reduction: 'string' });
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new InvalidArgumentError(
      `${op}: reduction must be 'mean', 'sum' or 'none'; got ${JSON.stringify(reduction)}.`,
    );
  }
  const epsilon = options.labelSmoothing ?? 0;
  if (!(epsilon >= 0 && epsilon <= 1)) {
    throw new InvalidArgumentError(`${op}: labelSmoothing must be a number in [0, 1]; got ${epsilon}.`);
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isSafeInteger(ignoreIndex)) {
    throw new InvalidArgumentError(`${op}: ignoreIndex must be an integer; got ${ignoreIndex}.`);
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

  // Targets are data, not part of the graph: one pass maps them to class indices, −1 for ignored.
  const t = targets.toTypedArray();
  const rows = t.length;
  const safe = new Int32Array(rows);
  let count = 0;
  for (let i = 0; i < rows; i++) {
    const v = t[i]!;
    if (v === ignoreIndex) {
      safe[i] = -1;
      continue;
    }
    if (v < 0 || v >= classes) {
      throw new InvalidArgumentError(
        `${op}: targets must lie in [0, ${classes}) or equal ignoreIndex ${ignoreIndex}; got ${v} at flat index ${i}.`,
      );
    }
    safe[i] = v;
    count++;
  }

  const dtype = logits.dtype;
  const x = logits.contiguous(); // rows of C consecutive logits; the identity when they already are
  const losses = new Float64Array(rows);
  const lse = new Float64Array(rows);
  backend().softmaxCrossEntropy(losses, lse, x.nd, safe, rows, classes, epsilon);
  let out: Tensor;
  if (reduction === 'none') {
    const data = allocate(dtype, rows);
    data.set(losses);
    out = new Tensor(createView(data, lead), dtype);
  } else {
    let total = 0;
    for (let i = 0; i < rows; i++) total += losses[i]!;
    const data = allocate(dtype, 1);
    data[0] = reduction === 'sum' ? total : total / count;
    out = new Tensor(createView(data, []), dtype);
  }

  return record(op, out, [x], (g) => {
    let scale: ArrayLike<number>;
    if (reduction === 'none') {
      scale = g.contiguous().toTypedArray();
    } else {
      const s = g.item() / (reduction === 'sum' ? 1 : count);
      scale = new Float64Array(rows).fill(s);
    }
    const dx = allocateUninitialized(dtype, x.numel());
    backend().softmaxCrossEntropyBackward(dx, x.nd, lse, safe, scale, rows, classes, epsilon);
    return [new Tensor(createView(dx, logits.shape), dtype)];
  });
}
