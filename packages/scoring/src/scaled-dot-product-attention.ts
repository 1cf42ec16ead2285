import { dropout as applyDropout } from '@attnkit/layers';
import {
  type CausalAlignment,
  causalMask,
  combineMasks,
  fromAdditiveMask,
  type KeepMask,
  type MaskLike,
  maskedSoftmax,
  paddingMask,
  type ValidLens,
} from '@attnkit/masking';
import {
  add,
  broadcastShapes,
  broadcastTo,
  cast,
  checkAdditiveMask,
  checkAllocation,
  checkOptions,
  checkValidLens,
  formatShape,
  type Generator,
  InvalidArgumentError,
  isFloating,
  matmul,
  mul,
  reshape,
  ShapeError,
  softmax,
  type Tensor,
  transpose,
} from '@attnkit/tensor';
import type { AttentionResult } from './attention-result.js';
import { RNG } from './internal/options.js';

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * A bool mask (`true` = may attend, a {@link KeepMask} or plain bool tensor) or a float mask
   * added to the scores (0 = attend, −∞ = blocked, or any bias), broadcastable to
   * `(..., queries, keys)`.
   */
  mask?: MaskLike;
  /**
   * Valid keys per sequence `(batch)` or per query `(batch, queries)`, where batch is the first
   * leading axis; applies to every head (middle axis).
   */
  validLens?: ValidLens;
  /** Hide each query's future keys with {@link causalMask} (default `false`). */
  isCausal?: boolean;
  /** Diagonal of the causal mask when queries ≠ keys: `'bottom-right'` (default) or `'top-left'`. */
  alignment?: CausalAlignment;
  /** Factor applied to QKᵀ (default 1/√d). */
  scale?: number;
  /** Dropout probability on the weights, in [0, 1] (default 0). */
  dropout?: number;
  /** Apply dropout only when `true` (default `true`, as PyTorch's functional form). */
  training?: boolean;
  /** Random source of the dropout mask; the default generator when omitted. */
  rng?: Generator;
}

const OP = 'scaledDotProductAttention';

/**
 * Scaled dot-product attention over any leading axes (PyTorch `F.scaled_dot_product_attention`):
 * softmax(scale·QKᵀ + mask) with masked keys removed, dropout on the weights, then the weighted
 * sum of the values.
 *
 * Shapes: queries (..., queries, d), keys (..., keys, d), values (..., keys, v), mask broadcastable
 * to (..., queries, keys), validLens (batch) | (batch, queries) -> output (..., queries, v),
 * attentionWeights (..., queries, keys)
 *
 * @param queries - `(..., queries, d)`, e.g. `(batch, queries, d)` or `(batch, heads, queries, d)`.
 * @param keys - `(..., keys, d)`; leading axes broadcast with the queries' and values'.
 * @param values - `(..., keys, v)`.
 * @param options - `mask`, `validLens`, `isCausal`, `alignment`, `scale`, `dropout`, `training`, `rng`.
 * @returns `output` `(..., queries, v)` and `attentionWeights` `(..., queries, keys)` (before
 *   dropout); differentiable in queries, keys, values and a float mask. Inputs are never mutated.
 * @throws {@link ShapeError} if an input has fewer than 2 axes, the depths of queries and keys or
 *   the key counts of keys and values differ, the leading axes do not broadcast, the mask does not
 *   broadcast to `(..., queries, keys)`, or `validLens` is given without a batch axis or is
 *   neither `(batch)` nor `(batch, queries)`.
 * @throws {@link InvalidArgumentError} if the mask is neither bool nor float or has a NaN, `scale`
 *   is not finite, `dropout` is not in [0, 1], `alignment` is unknown, or a length is negative,
 *   fractional or greater than keys.
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @throws {@link InvalidArgumentError} if a float `mask` holds +Infinity or NaN.
 * @throws {@link MemoryLimitError} if the (..., queries, keys) scores would exceed the memory limit.
 * @remarks Masks combine by AND. With `validLens` alone the semantics are D2L's `masked_softmax`
 *   (masked scores −1e6, so validLen 0 gives uniform weights). As soon as a bool mask, `isCausal`
 *   or a float mask with −∞ entries is involved, masked keys get exactly zero weight and a query
 *   with no visible key gets zero weights and a zero output (never NaN, unlike PyTorch). The causal
 *   default is bottom-right (for cached decoding); PyTorch's `is_causal` is top-left, so pass
 *   `alignment: 'top-left'` to match it when queries ≠ keys.
 * @see D2L §11.3 "Attention Scoring Functions"; Vaswani et al. 2017, eq. 1; PyTorch
 *   `torch.nn.functional.scaled_dot_product_attention`.
 * @example
 * ```ts
 * const q = randn([2, 4, 3, 8]); // (batch, heads, queries, d)
 * const kv = randn([2, 4, 5, 8]);
 * const { output, attentionWeights } = scaledDotProductAttention(q, kv, kv, { validLens: [5, 2] });
 * const padding = reshape(paddingMask([5, 4], 5), [2, 1, 1, 5]); // (batch, 1, 1, keys)
 * scaledDotProductAttention(q, kv, kv, { isCausal: true, mask: padding });
 * ```
 */
export function scaledDotProductAttention(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): AttentionResult {
  checkOptions(OP, options, {
    mask: 'tensor',
    validLens: 'any',
    isCausal: 'boolean',
    alignment: 'string',
    scale: 'number',
    dropout: 'number',
    training: 'boolean',
    rng: RNG,
  });
  const { numQueries, numKeys, d } = checkInputs(queries, keys, values);
  const scale = options.scale ?? 1 / Math.sqrt(d);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new InvalidArgumentError(`${OP}: scale must be a finite number; got ${scale}.`);
  }
  const p = options.dropout ?? 0;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new InvalidArgumentError(`${OP}: dropout must be a number in [0, 1]; got ${p}.`);
  }

  // The (..., queries, keys) scores and weights are the large allocations: check them up front.
  const lead = broadcastShapes(OP, queries.shape.slice(0, -2), keys.shape.slice(0, -2));
  const floatType = isFloating(queries.dtype) ? queries.dtype : 'float32';
  checkAllocation(OP, 'scores (..., queries, keys)', [...lead, numQueries, numKeys], floatType);
  let scores = mul(matmul(queries, transpose(keys)), scale); // (..., queries, keys)
  let keep: KeepMask | null = null;
  const and = (m: KeepMask): KeepMask => (keep === null ? m : combineMasks(keep, m));

  const { mask } = options;
  if (mask !== undefined) {
    checkMask(mask, scores.shape);
    if (mask.dtype === 'bool') {
      keep = mask as KeepMask;
    } else {
      scores = add(scores, mask.dtype === scores.dtype ? mask : cast(mask, scores.dtype));
      // Keys whose additive value is −∞ are blocked; the mask path then keeps fully blocked rows at 0.
      keep = fromAdditiveMask(mask);
    }
  }
  if (options.isCausal === true) {
    keep = and(
      causalMask(
        numQueries,
        numKeys,
        options.alignment === undefined ? {} : { alignment: options.alignment },
      ),
    );
  }

  let weights: Tensor;
  if (options.validLens !== undefined) {
    const lens = checkLengths(options.validLens, scores.shape);
    if (keep === null) {
      weights = d2lMaskedSoftmax(scores, lens);
    } else {
      weights = maskedSoftmax(scores, { mask: and(paddingFor(lens, scores.shape)) });
    }
  } else {
    weights = keep === null ? softmax(scores, -1) : maskedSoftmax(scores, { mask: keep });
  }

  const dropped =
    p === 0
      ? weights
      : applyDropout(weights, p, {
          training: options.training ?? true,
          ...(options.rng === undefined ? {} : { rng: options.rng }),
        });
  return { output: matmul(dropped, values), attentionWeights: weights };
}

/** Ranks, depths, key counts and broadcasting of the leading axes. */
function checkInputs(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
): { numQueries: number; numKeys: number; d: number } {
  for (const [name, t, layout] of [
    ['queries', queries, '(..., queries, d)'],
    ['keys', keys, '(..., keys, d)'],
    ['values', values, '(..., keys, v)'],
  ] as const) {
    if (t.ndim < 2)
      throw new ShapeError(`${OP}: ${name} must have shape ${layout}; got ${formatShape(t.shape)}.`);
  }
  const numQueries = queries.shape[queries.ndim - 2]!;
  const d = queries.shape[queries.ndim - 1]!;
  const numKeys = keys.shape[keys.ndim - 2]!;
  if (keys.shape[keys.ndim - 1] !== d) {
    throw new ShapeError(
      `${OP}: keys must have shape (..., keys, ${d}) to match queries ${formatShape(queries.shape)}; got ${formatShape(keys.shape)}.`,
    );
  }
  if (values.shape[values.ndim - 2] !== numKeys) {
    throw new ShapeError(
      `${OP}: values must have shape (..., ${numKeys}, v) to match keys ${formatShape(keys.shape)}; got ${formatShape(values.shape)}.`,
    );
  }
  const lead = broadcastShapes(OP, queries.shape.slice(0, -2), keys.shape.slice(0, -2), [
    `queries ${formatShape(queries.shape)} with leading axes`,
    `keys ${formatShape(keys.shape)} with leading axes`,
  ]);
  broadcastShapes(OP, lead, values.shape.slice(0, -2), [
    'the leading axes of queries and keys',
    `values ${formatShape(values.shape)} with leading axes`,
  ]);
  return { numQueries, numKeys, d };
}

/** A bool or float tensor that broadcasts to the scores' shape (without enlarging it). */
function checkMask(mask: Tensor, scoresShape: readonly number[]): void {
  checkAdditiveMask(OP, mask);
  if (mask.dtype !== 'bool' && !isFloating(mask.dtype)) {
    throw new InvalidArgumentError(
      `${OP}: mask must have dtype bool (true = may attend) or float32/float64 (added to the scores); got ${mask.dtype}.`,
    );
  }
  const fits =
    mask.ndim <= scoresShape.length &&
    mask.shape.every((m, i) => m === 1 || m === scoresShape[scoresShape.length - mask.ndim + i]);
  if (!fits) {
    throw new ShapeError(
      `${OP}: mask must broadcast to the scores' shape ${formatShape(scoresShape)} (..., queries, keys); got ${formatShape(mask.shape)}.`,
    );
  }
}

/** validLens as a tensor of shape (batch) or (batch, queries), batch = the first leading axis. */
function checkLengths(validLens: ValidLens, scoresShape: readonly number[]): Tensor {
  const rank = scoresShape.length;
  if (rank < 3) {
    throw new ShapeError(
      `${OP}: validLens needs a batch axis: queries must have shape (batch, ..., queries, d); got scores ${formatShape(scoresShape)}.`,
    );
  }
  // The one check of lengths shared with flashAttention and MultiHeadAttention.
  const lens = checkValidLens(OP, validLens, {
    batch: scoresShape[0],
    queries: scoresShape[rank - 2]!,
    keys: scoresShape[rank - 1]!,
  });
  return lens;
}

/**
 * D2L's masked softmax (−1e6) for scores (batch, ...middle, queries, keys): the middle axes are
 * folded into the queries so that masking's 3-D `maskedSoftmax(x, validLens)` applies unchanged.
 */
function d2lMaskedSoftmax(scores: Tensor, lens: Tensor): Tensor {
  const shape = scores.shape;
  const [batch, numQueries, numKeys] = [shape[0]!, shape[shape.length - 2]!, shape[shape.length - 1]!];
  const middle = shape.slice(1, -2);
  const rows = middle.reduce((a, b) => a * b, 1) * numQueries;
  const folded = reshape(scores, [batch, rows, numKeys]);
  // (batch, queries) lengths are repeated for every middle index: (batch, ...middle, queries) -> (batch, rows).
  const perRow =
    lens.ndim === 1
      ? lens
      : reshape(
          broadcastTo(reshape(lens, [batch, ...middle.map(() => 1), numQueries]), [
            batch,
            ...middle,
            numQueries,
          ]),
          [batch, rows],
        );
  return reshape(maskedSoftmax(folded, perRow), shape);
}

/** paddingMask reshaped to broadcast over the middle axes: (batch, 1..., 1 | queries, keys). */
function paddingFor(lens: Tensor, scoresShape: readonly number[]): KeepMask {
  const numKeys = scoresShape[scoresShape.length - 1]!;
  const pad = paddingMask(lens, numKeys); // (batch, 1 | queries, keys)
  const ones = scoresShape.slice(1, -2).map(() => 1);
  return reshape(pad, [pad.shape[0]!, ...ones, pad.shape[1]!, numKeys]) as KeepMask;
}
