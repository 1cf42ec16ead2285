import type { CausalAlignment, ValidLens } from '@attnkit/masking';
import { Tensor } from '@attnkit/tensor';

/** What decides whether one attention call of MultiHeadAttention can run the fused kernel. */
export interface FuseConditions {
  /** The projected queries, keys and values `(batch, heads, n, d)`, after rotary, cache and GQA repeat. */
  readonly q: Tensor;
  readonly k: Tensor;
  readonly v: Tensor;
  /** Dropout on the weights would be applied (p > 0 in training mode). */
  readonly dropoutActive: boolean;
  /** A user mask or the ALiBi bias is added to the scores. */
  readonly scoresMasked: boolean;
  readonly isCausal: boolean;
  readonly alignment: CausalAlignment;
  readonly validLens: ValidLens | undefined;
}

/**
 * Whether `fusedAttention` gives exactly the materialised path's output (up to float32 rounding),
 * so that the weights can be skipped:
 * - float32 inputs (the kernel's only dtype) with at least one query and one key;
 * - no dropout on the weights, no user mask, no ALiBi bias (the kernel takes none of them);
 * - a causal mask only with the kernel's bottom-right diagonal (query i sees keys j ≤ i + keys −
 *   queries), i.e. `alignment: 'bottom-right'` or as many queries as keys;
 * - valid lengths that are integers in [0, keys]; without `isCausal` none may be 0, because D2L's
 *   masked softmax gives such a row uniform weights where the kernel gives a zero output (with a
 *   causal mask both paths give zero weights to a row that sees no key).
 * Invalid lengths also fall back, so the materialised path reports them with its usual errors.
 */
export function canFuse(c: FuseConditions): boolean {
  const { q, k, v } = c;
  if (q.dtype !== 'float32' || k.dtype !== 'float32' || v.dtype !== 'float32') return false;
  const numQueries = q.shape[2]!;
  const numKeys = k.shape[2]!;
  if (numQueries === 0 || numKeys === 0) return false;
  if (c.dropoutActive || c.scoresMasked) return false;
  if (c.isCausal && c.alignment !== 'bottom-right' && numQueries !== numKeys) return false;
  return c.validLens === undefined || lensFusable(c.validLens, numKeys, c.isCausal);
}

/** Every valid length is an integer in [0, numKeys], and none is 0 unless `isCausal`. */
function lensFusable(validLens: ValidLens, numKeys: number, isCausal: boolean): boolean {
  const values: ArrayLike<number | readonly number[]> =
    validLens instanceof Tensor ? validLens.toTypedArray() : validLens;
  for (let i = 0; i < values.length; i++) {
    const entry = values[i]!;
    const row = typeof entry === 'number' ? [entry] : entry;
    for (const len of row) {
      if (!Number.isInteger(len) || len < 0 || len > numKeys || (len === 0 && !isCausal)) return false;
    }
  }
  return true;
}
