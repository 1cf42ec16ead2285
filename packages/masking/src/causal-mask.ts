import {
  add,
  arange,
  checkAllocation,
  checkOptions,
  InvalidArgumentError,
  le,
  unsqueeze,
} from '@attnkit/tensor';
import type { KeepMask } from './mask-types.js';

/** Where the diagonal of a non-square causal mask sits. */
export type CausalAlignment = 'bottom-right' | 'top-left';

/** Options of {@link causalMask}. */
export interface CausalMaskOptions {
  /**
   * `'bottom-right'` (default): the last query sees every key, right when the queries are the
   * newest `numQueries` of `numKeys` positions (cached decoding; PyTorch `causal_lower_right`).
   * `'top-left'`: query i sees keys 0..i (PyTorch sdpa `is_causal=True`, ONNX without cache).
   */
  alignment?: CausalAlignment;
}

/**
 * A causal {@link KeepMask} (`true` = may attend): query i may attend key j only if j is not in
 * its future.
 *
 * Shapes: -> (numQueries, numKeys)
 *
 * @param numQueries - Number of queries (rows).
 * @param numKeys - Number of keys (columns); defaults to `numQueries`.
 * @param options - `alignment`: `'bottom-right'` (default) keeps key j for query i iff
 *   `j <= i + (numKeys - numQueries)`; `'top-left'` iff `j <= i`. Both agree when square.
 * @returns A new bool `KeepMask` `(numQueries, numKeys)`; broadcasts against
 *   `(batch, queries, keys)` scores.
 * @throws {@link InvalidArgumentError} if a size is not a non-negative integer or `alignment` is
 *   unknown.
 * @throws {@link InvalidArgumentError} if `options` is not an options object (`causalMask(2, 3, 'top-left')`: use `{ alignment: 'top-left' }`) or has an unknown key.
 * @throws {@link MemoryLimitError} if the (numQueries, numKeys) mask would exceed the memory limit.
 * @remarks With `'bottom-right'` and `numQueries > numKeys` the first `numQueries - numKeys` rows
 *   are fully masked; {@link maskedSoftmax} with `{ mask }` gives them zero weights.
 * @see PyTorch `torch.nn.attention.bias.causal_lower_right`; D2L §11.7 (decoder self-attention).
 * @example
 * ```ts
 * causalMask(3); // [[T, F, F], [T, T, F], [T, T, T]]
 * causalMask(2, 4); // [[T, T, T, F], [T, T, T, T]] (bottom-right)
 * causalMask(2, 4, { alignment: 'top-left' }); // [[T, F, F, F], [T, T, F, F]]
 * ```
 */
export function causalMask(
  numQueries: number,
  numKeys: number = numQueries,
  options: CausalMaskOptions = {},
): KeepMask {
  for (const [name, n] of [
    ['numQueries', numQueries],
    ['numKeys', numKeys],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) {
      throw new InvalidArgumentError(`causalMask: ${name} must be a non-negative integer; got ${n}.`);
    }
  }
  checkOptions(
    'causalMask',
    options,
    { alignment: 'string' },
    { usage: `causalMask(${numQueries}, ${numKeys}, { alignment: ${JSON.stringify(options)} })` },
  );
  checkAllocation('causalMask', 'numQueries × numKeys', [numQueries, numKeys], 'bool');
  const alignment = options.alignment ?? 'bottom-right';
  if (alignment !== 'bottom-right' && alignment !== 'top-left') {
    throw new InvalidArgumentError(
      `causalMask: alignment must be 'bottom-right' or 'top-left'; got ${JSON.stringify(alignment)}.`,
    );
  }
  const offset = alignment === 'bottom-right' ? numKeys - numQueries : 0;
  // keep[i, j] = j <= i + offset, built as (1, numKeys) <= (numQueries, 1).
  const rows = add(unsqueeze(arange(0, numQueries, 1, { dtype: 'int32' }), 1), offset);
  const cols = unsqueeze(arange(0, numKeys, 1, { dtype: 'int32' }), 0);
  return le(cols, rows) as KeepMask;
}
