// Test helpers for @attnkit/multihead: a float64 explicit-loop multi-head attention to compare
// against. Not part of the package.
import type { Tensor } from '@attnkit/tensor';
import type { MultiHeadAttention } from '../src/index.js';

/** What {@link referenceAttention} does beyond D2L's multi-head attention. */
export interface ReferenceOptions {
  numHeads: number;
  /** Key/value heads; query head h uses kv head ⌊h / (numHeads / numKVHeads)⌋. */
  numKVHeads?: number;
  /** D2L valid lengths, (batch) or (batch, queries). */
  validLens?: number[] | number[][];
  /** Hide key j from query i when j > i + keys − queries (bottom-right). */
  causal?: boolean;
  /** Boolean mask: key j visible to query i of head h in batch b. */
  keep?: (b: number, h: number, i: number, j: number) => boolean;
  /** Added to the scaled scores. */
  additive?: (b: number, h: number, i: number, j: number) => number;
  /** ALiBi bias −m_h·(i + keys − queries − j), m_h = 2^(−8(h+1)/numHeads) (numHeads a power of 2). */
  alibi?: boolean;
  /** Rotary embedding of queries and keys at positions 0, 1, … (half-split pairs unless interleaved). */
  rotary?: { base?: number; rotaryDim?: number; interleaved?: boolean };
  /** Per-head factors applied before W_o. */
  headMask?: number[];
}

/** Row-major 2-D access to a Linear weight (out, in). */
interface Weight {
  data: ArrayLike<number>;
  inFeatures: number;
}

/** x (n, in) rows times Wᵀ plus bias: (n, out). */
function project(x: number[][], w: Weight, bias: ArrayLike<number> | null): number[][] {
  const out = w.data.length / w.inFeatures;
  return x.map((row) =>
    Array.from({ length: out }, (_, o) => {
      let s = bias === null ? 0 : bias[o]!;
      for (let c = 0; c < w.inFeatures; c++) s += row[c]! * w.data[o * w.inFeatures + c]!;
      return s;
    }),
  );
}

/** RoPE of vector x at position p (RoFormer eq. 34). */
function rope(x: number[], p: number, r: number, base: number, interleaved: boolean): number[] {
  const y = x.slice();
  const half = r / 2;
  for (let t = 0; t < half; t++) {
    const a = interleaved ? 2 * t : t;
    const b = interleaved ? 2 * t + 1 : t + half;
    const angle = p * base ** ((-2 * t) / r);
    y[a] = x[a]! * Math.cos(angle) - x[b]! * Math.sin(angle);
    y[b] = x[b]! * Math.cos(angle) + x[a]! * Math.sin(angle);
  }
  return y;
}

/** Rows of batch entry b of a (batch, n, f) tensor. */
function rows(t: Tensor, b: number): number[][] {
  const [, n, f] = t.shape as [number, number, number];
  const v = t.toTypedArray();
  return Array.from({ length: n }, (_, i) => Array.from({ length: f }, (_, c) => v[(b * n + i) * f + c]!));
}

/**
 * Multi-head attention by explicit loops in float64 with the module's weights: the flat output
 * (batch, queries, numHiddens) and the weights (batch, heads, queries, keys).
 */
export function referenceAttention(
  module: MultiHeadAttention,
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: ReferenceOptions,
): { output: number[]; weights: number[] } {
  const state = module.stateDict();
  const weight = (name: string): Weight => {
    const w = state[`${name}.weight`]!;
    return { data: w.toTypedArray(), inFeatures: w.shape[1]! };
  };
  const bias = (name: string) => state[`${name}.bias`]?.toTypedArray() ?? null;
  const H = options.numHeads;
  const G = options.numKVHeads ?? H;
  const [batch, nq] = queries.shape as [number, number, number];
  const nk = keys.shape[1]!;
  const hiddens = module.numHiddens;
  const d = hiddens / H;
  const output: number[] = [];
  const weights: number[] = [];
  const d2lPolicy =
    options.validLens !== undefined &&
    !options.causal &&
    !options.keep &&
    !options.additive &&
    !options.alibi;
  for (let b = 0; b < batch; b++) {
    const Q = project(rows(queries, b), weight('W_q'), bias('W_q'));
    const K = project(rows(keys, b), weight('W_k'), bias('W_k'));
    const V = project(rows(values, b), weight('W_v'), bias('W_v'));
    const concat: number[][] = Array.from({ length: nq }, () => new Array<number>(hiddens).fill(0));
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / G));
      const slope = 2 ** ((-8 * (h + 1)) / H);
      for (let i = 0; i < nq; i++) {
        let q = Q[i]!.slice(h * d, (h + 1) * d);
        const r = options.rotary;
        if (r) q = rope(q, i, r.rotaryDim ?? d, r.base ?? 10000, r.interleaved ?? false);
        const logits: number[] = [];
        for (let j = 0; j < nk; j++) {
          let k = K[j]!.slice(g * d, (g + 1) * d);
          if (r) k = rope(k, j, r.rotaryDim ?? d, r.base ?? 10000, r.interleaved ?? false);
          let s = q.reduce((acc, x, c) => acc + x * k[c]!, 0) / Math.sqrt(d);
          if (options.additive) s += options.additive(b, h, i, j);
          if (options.alibi) s += -slope * (i + nk - nq - j);
          const lens = options.validLens?.[b];
          const len = lens === undefined ? nk : typeof lens === 'number' ? lens : lens[i]!;
          const visible =
            j < len &&
            !(options.causal && j > i + nk - nq) &&
            (options.keep ? options.keep(b, h, i, j) : true) &&
            s !== Number.NEGATIVE_INFINITY;
          logits.push(visible ? s : d2lPolicy ? -1e6 : Number.NEGATIVE_INFINITY);
        }
        const m = Math.max(...logits);
        const e = logits.map((s) => (m === Number.NEGATIVE_INFINITY ? 0 : Math.exp(s - m)));
        const total = e.reduce((a, x) => a + x, 0);
        const w = e.map((x) => (total === 0 ? 0 : x / total));
        weights.push(...w);
        const scale = options.headMask?.[h] ?? 1;
        for (let c = 0; c < d; c++) {
          let acc = 0;
          for (let j = 0; j < nk; j++) acc += w[j]! * V[j]![g * d + c]!;
          concat[i]![h * d + c] = acc * scale;
        }
      }
    }
    for (const row of project(concat, weight('W_o'), bias('W_o'))) output.push(...row);
  }
  // weights were pushed in (batch, heads, queries, keys) order.
  return { output, weights };
}
