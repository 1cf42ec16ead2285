import {
  checkAllocation,
  checkOptions,
  createView,
  fromNdarray,
  InvalidArgumentError,
  type Tensor,
} from '@attnkit/tensor';
import { alibiSlopes } from './alibi-slopes.js';
import { checkCount, checkFloatDType } from './internal/check.js';

/** Options of {@link alibiBias}. */
export interface AlibiBiasOptions {
  /**
   * Where query i sits on the key axis: `'bottom-right'` (default) puts the last query at the last
   * key, i' = i + numKeys − numQueries (cached decoding, like a bottom-right causal mask);
   * `'top-left'` puts query i at key i.
   */
  alignment?: 'bottom-right' | 'top-left';
  /** Element type (default `float32`). */
  dtype?: 'float32' | 'float64';
}

/**
 * The ALiBi attention bias −m_h·(i' − j) for head h, query i (at absolute position i') and key j,
 * added to the attention logits before the softmax in place of position embeddings.
 *
 * Shapes: -> (numHeads, numQueries, numKeys)
 *
 * @param numHeads - Number of heads; head h uses slope m_h of {@link alibiSlopes}.
 * @param numQueries - Number of queries.
 * @param numKeys - Number of keys.
 * @param options - `alignment = 'bottom-right'`, `dtype = 'float32'`.
 * @returns A new tensor; reshape or broadcast it against scores `(batch, heads, queries, keys)`.
 * @throws {@link InvalidArgumentError} if `numHeads` is not an integer ≥ 1, `numQueries` or
 *   `numKeys` is not an integer ≥ 0, `alignment` is not `'bottom-right'`/`'top-left'`, or `dtype`
 *   is not `float32`/`float64`.
 * @remarks The paper's causal formulation, linear in i' − j: it is 0 on the diagonal j = i', negative
 *   for past keys and POSITIVE for future keys (j > i'), so it must be combined with a causal mask
 *   (as in the paper, which only trains causal language models). It is not −m·|i' − j| (a
 *   symmetric variant some encoders use). Computed in float64, rounded once to `dtype`.
 * @see Press, Smith & Lewis 2022, "Train Short, Test Long: Attention with Linear Biases", §3, Fig. 3.
 * @example
 * ```ts
 * const bias = alibiBias(8, 5, 5); // add to scores (batch, 8, 5, 5), then apply a causal mask
 * ```
 */
export function alibiBias(
  numHeads: number,
  numQueries: number,
  numKeys: number,
  options: AlibiBiasOptions = {},
): Tensor {
  const op = 'alibiBias';
  checkOptions(op, options, { alignment: 'string', dtype: 'string' });
  checkCount(op, 'numHeads', numHeads, 1);
  checkCount(op, 'numQueries', numQueries);
  checkCount(op, 'numKeys', numKeys);
  const alignment = options.alignment ?? 'bottom-right';
  if (alignment !== 'bottom-right' && alignment !== 'top-left') {
    throw new InvalidArgumentError(
      `${op}: alignment must be 'bottom-right' or 'top-left'; got ${String(alignment)}.`,
    );
  }
  const dtype = checkFloatDType(op, options.dtype);
  const slopes = alibiSlopes(numHeads, { dtype: 'float64' }).toTypedArray();
  const shift = alignment === 'bottom-right' ? numKeys - numQueries : 0;
  checkAllocation(op, 'numHeads × numQueries × numKeys', [numHeads, numQueries, numKeys], dtype);
  const n = numHeads * numQueries * numKeys;
  const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let h = 0; h < numHeads; h++) {
    const m = slopes[h]!;
    for (let i = 0; i < numQueries; i++) {
      const row = (h * numQueries + i) * numKeys;
      for (let j = 0; j < numKeys; j++) data[row + j] = -m * (i + shift - j); // −m_h·(i' − j)
    }
  }
  return fromNdarray(createView(data, [numHeads, numQueries, numKeys]));
}
