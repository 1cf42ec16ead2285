// Test helpers for @attnkit/scoring: explicit-loop references in float64. Not part of the package
// (outside src/).
import type { Tensor } from '@attnkit/tensor';

/** The elements of `t` as a plain number array (row-major; bool gives 0/1). */
export function flat(t: Tensor): number[] {
  return Array.from(t.toTypedArray(), Number);
}

/** Options of {@link referenceAttention}. */
export interface ReferenceOptions {
  /** Factor on q·k; default 1/√d. */
  scale?: number;
  /** Whether query i of leading block b may attend key j; default always. */
  keep?: (b: number, i: number, j: number) => boolean;
  /** Added to score (b, i, j) before masking; default 0. */
  bias?: (b: number, i: number, j: number) => number;
  /** 'd2l': hidden scores become -1e6; 'zero': hidden keys get weight 0, empty rows are all 0. */
  policy?: 'd2l' | 'zero';
  /** score(b, i, j) from the feature rows q_i and k_j; default the scaled dot product. */
  score?: (q: readonly number[], k: readonly number[]) => number;
}

/**
 * Attention by explicit loops in float64 over queries (..., Q, d), keys (..., K, d) and values
 * (..., K, v) with the same leading axes, flattened to blocks b = 0..B-1.
 * Returns the flat weights (B·Q·K) and output (B·Q·v).
 */
export function referenceAttention(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: ReferenceOptions = {},
): { weights: number[]; output: number[] } {
  const [Q, d] = queries.shape.slice(-2) as [number, number];
  const [K, dk] = keys.shape.slice(-2) as [number, number];
  const v = values.shape[values.ndim - 1]!;
  const q = flat(queries);
  const k = flat(keys);
  const x = flat(values);
  const blocks = q.length / (Q * d);
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const { keep = () => true, bias = () => 0, policy = 'zero' } = options;
  const score =
    options.score ??
    ((qi: readonly number[], kj: readonly number[]) => scale * qi.reduce((s, a, t) => s + a * kj[t]!, 0));
  const weights: number[] = [];
  const output: number[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < Q; i++) {
      const qi = q.slice((b * Q + i) * d, (b * Q + i + 1) * d);
      const logits: number[] = [];
      for (let j = 0; j < K; j++) {
        const kj = k.slice((b * K + j) * dk, (b * K + j + 1) * dk);
        const s = score(qi, kj) + bias(b, i, j);
        logits.push(keep(b, i, j) ? s : policy === 'd2l' ? -1e6 : Number.NEGATIVE_INFINITY);
      }
      const m = Math.max(...logits);
      const e = logits.map((s) => (m === Number.NEGATIVE_INFINITY ? 0 : Math.exp(s - m)));
      const total = e.reduce((a, c) => a + c, 0);
      const w = e.map((c) => (total === 0 ? 0 : c / total));
      weights.push(...w);
      for (let c = 0; c < v; c++) {
        let acc = 0;
        for (let j = 0; j < K; j++) acc += w[j]! * x[(b * K + j) * v + c]!;
        output.push(acc);
      }
    }
  }
  return { weights, output };
}
