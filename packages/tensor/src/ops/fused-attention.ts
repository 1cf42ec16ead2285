// Imported for their effect: a program that uses this op runs on the WebAssembly backend by default,
// and the JavaScript fused-attention kernels are registered for the `js` default.
import '../kernels/js/flash-attention.js';
import '../kernels/prefer-wasm.js';
import { record } from '../autograd/record.js';
import { formatShape, InvalidArgumentError, ShapeError, shapeError } from '../errors.js';
import { emptyLike } from '../internal/dense-like.js';
import type { AttentionRows, FlashAttentionShape } from '../kernels/backend.js';
import { backend } from '../kernels/registry.js';
import { offsetsOf, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkValidLens } from '../validation/attention-args.js';
import { checkOptions } from '../validation/check-options.js';

/** Options of {@link fusedAttention}. */
export interface FusedAttentionOptions {
  /** Factor applied to QKᵀ (default 1/√d). */
  scale?: number;
  /** Hide each query's future keys: query i sees keys j ≤ i + (keys − queries) (bottom-right). */
  isCausal?: boolean;
  /**
   * Valid keys per sequence `(batch)` or per query `(batch, queries)`, where batch is the first
   * leading axis; keys at or beyond the length are hidden from every head.
   */
  validLens?: Tensor | readonly number[] | readonly (readonly number[])[];
}

const OP = 'fusedAttention';

/**
 * Scaled dot-product attention softmax(scale·QKᵀ)·V computed tile by tile with an online softmax
 * (FlashAttention), never storing the (queries × keys) weights; returns the output only.
 *
 * Shapes: queries (..., queries, d), keys (..., keys, d), values (..., keys, v), validLens (batch) |
 * (batch, queries) -> (..., queries, v)
 *
 * @param queries - float32 `(..., queries, d)`, e.g. `(batch, heads, queries, d)`.
 * @param keys - float32 `(..., keys, d)` with the same leading axes as `queries`.
 * @param values - float32 `(..., keys, v)` with the same leading axes as `queries`.
 * @param options - `scale` (default 1/√d), `isCausal`, `validLens`.
 * @returns The attention output `(..., queries, v)`, float32, differentiable in queries, keys and
 *   values. No attention weights are returned (they are never formed). The output is dense and
 *   stored in the queries' axis order (PyTorch's preserved memory format), and the gradients in
 *   the order of their inputs: for head-split views (batch, heads, n, d) of (batch, n, heads·d)
 *   projections the output is stored (batch, n, heads, v), so merging the heads is a free reshape.
 *   Strided inputs are read in place (a copy only when the last axis is not contiguous).
 * @throws {@link ShapeError} if an input has fewer than 2 axes or the leading axes differ.
 * @throws {@link ShapeError} naming both shapes if the depths of queries and keys or the key counts
 *   of keys and values differ.
 * @throws {@link ShapeError} if `validLens` is neither `(batch)` nor `(batch, queries)`, or is given
 *   for inputs without a batch axis.
 * @throws {@link InvalidArgumentError} if an input is not float32.
 * @throws {@link InvalidArgumentError} if `scale` is not finite.
 * @throws {@link InvalidArgumentError} if a valid length is not an integer in [0, keys].
 * @throws {@link InvalidArgumentError} for an unknown option (with a "did you mean") or an option of the wrong type.
 * @remarks Memory grows with queries·d, not queries·keys: the forward keeps each row's running
 *   maximum and sum (FlashAttention Algorithm 1) and saves only the output and the row
 *   log-sum-exp; the backward recomputes the weights tile by tile (Algorithm 2). With the
 *   WebAssembly backend the whole tile loop runs in WebAssembly SIMD (float32 accumulation);
 *   with `setBackend('js')` the tile products run through the JavaScript `matmul` kernel.
 *   Masked keys get exactly zero weight, and a query that sees no key gets a zero output and
 *   zero gradients (never NaN) — unlike D2L's masked softmax, whose −1e6 fill gives such a row
 *   uniform weights. Causal tiles above the diagonal and padded key tiles are skipped.
 * @see Dao et al. 2022, "FlashAttention: Fast and Memory-Efficient Exact Attention with
 *   IO-Awareness", Algorithms 1–2; D2L §11.3; Vaswani et al. 2017, eq. 1.
 * @example
 * ```ts
 * const q = randn([2, 8, 128, 64]); // (batch, heads, queries, d)
 * const out = fusedAttention(q, q, q, { isCausal: true, validLens: [128, 100] }); // (2, 8, 128, 64)
 * ```
 */
export function fusedAttention(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: FusedAttentionOptions = {},
): Tensor {
  checkOptions(OP, options, {
    scale: 'number',
    isCausal: 'boolean',
    validLens: 'any',
  });
  const shape = checkInputs(queries, keys, values, options);
  const { heads, numQueries, dv } = shape;
  const q = rowsOf(queries);
  const k = rowsOf(keys);
  const v = rowsOf(values);
  // The output is laid out like the queries (a head-split view's output then merges its heads
  // without a copy); the kernels write every row (zeros where a query sees no key). The row
  // log-sum-exp stays off the pool: no tensor views it, so a withArena() scope would not keep it.
  const [result, out] = denseLike(queries, dv, false);
  const lse = new Float32Array(heads * numQueries);
  backend().flashAttentionForward(q, k, v, out, lse, shape);
  return record(OP, result, [queries, keys, values], (g) => {
    // In the layouts of q, k and v, not zeroed: every backend's kernel writes each row of dQ, dK
    // and dV (the JavaScript tile loop zeroes them before it accumulates over tiles; the
    // WebAssembly kernels accumulate in their own scratch and write whole rows, zeros for keys no
    // query sees). Zero-filling them was ~0.75% of a G2P training step.
    const [dq, dqRows] = denseLike(queries, shape.d, false);
    const [dk, dkRows] = denseLike(keys, shape.d, false);
    const [dvGrad, dvRows] = denseLike(values, dv, false);
    backend().flashAttentionBackward(q, k, v, out, lse, rowsOf(g), dqRows, dkRows, dvRows, shape);
    return [
      queries.requiresGrad ? dq : null,
      keys.requiresGrad ? dk : null,
      values.requiresGrad ? dvGrad : null,
    ];
  });
}

/**
 * `t` (..., n, c) as one matrix of rows per index of its leading axes, read in place through its strides (copied first only
 * when its last axis is not contiguous).
 */
function rowsOf(t: Tensor): AttentionRows {
  const nd = t.nd.stride.at(-1) === 1 || t.shape.at(-1)! <= 1 ? t.nd : t.detach().contiguous().nd;
  return {
    data: nd.data,
    offsets: offsetsOf(t.shape.slice(0, -2), nd.stride, nd.offset),
    rowStride: nd.stride.at(-2)!,
  };
}

/**
 * A new float32 tensor shaped as `like` with last extent `c`, stored in the axis order of
 * `like` ({@link stridesLike}: a head-split (batch, heads, n, d) view's output is stored
 * (batch, n, heads, c)), with its rows for the kernels. `zeroed`: zero-filled; else every element is for the kernel to write.
 */
function denseLike(like: Tensor, c: number, zeroed: boolean): [Tensor, AttentionRows<Float32Array>] {
  const t = emptyLike(like, c, 'float32', zeroed, OP);
  return [t, rowsOf(t) as AttentionRows<Float32Array>];
}

/** Validates the inputs and turns the options into the kernel's sizes and per-row key limits. */
function checkInputs(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: FusedAttentionOptions,
): FlashAttentionShape {
  for (const [name, t] of [
    ['queries', queries],
    ['keys', keys],
    ['values', values],
  ] as const) {
    if (t.ndim < 2) throw shapeError(OP, name, '(..., n, d) with at least 2 axes', t.shape);
    if (t.dtype !== 'float32') {
      throw new InvalidArgumentError(`${OP}: ${name} must have dtype float32; got ${t.dtype}.`);
    }
  }
  const lead = queries.shape.slice(0, -2);
  for (const [name, t] of [
    ['keys', keys],
    ['values', values],
  ] as const) {
    if (formatShape(t.shape.slice(0, -2)) !== formatShape(lead)) {
      throw shapeError(OP, name, `(${[...lead, 'n', 'd'].join(', ')}) like queries`, t.shape);
    }
  }
  const numQueries = queries.shape.at(-2)!;
  const d = queries.shape.at(-1)!;
  const numKeys = keys.shape.at(-2)!;
  if (keys.shape.at(-1) !== d) {
    throw new ShapeError(
      `${OP}: queries ${formatShape(queries.shape)} and keys ${formatShape(keys.shape)} have different depths (${d} vs ${keys.shape.at(-1)}).`,
    );
  }
  if (values.shape.at(-2) !== numKeys) {
    throw new ShapeError(
      `${OP}: keys ${formatShape(keys.shape)} and values ${formatShape(values.shape)} have different key counts (${numKeys} vs ${values.shape.at(-2)}).`,
    );
  }
  const scale = options.scale ?? 1 / Math.sqrt(d);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) {
    throw new InvalidArgumentError(`${OP}: scale must be a finite number; got ${scale}.`);
  }
  const heads = shapeSize(lead);
  const limits = rowLimits(options, lead, heads, numQueries, numKeys);
  return { heads, numQueries, numKeys, d, dv: values.shape.at(-1)!, scale, limits };
}

/** Visible keys per (problem, query) row: the valid length, capped by the causal diagonal. */
function rowLimits(
  options: FusedAttentionOptions,
  lead: readonly number[],
  heads: number,
  numQueries: number,
  numKeys: number,
): Int32Array | null {
  const { validLens, isCausal = false } = options;
  if (validLens === undefined && !isCausal) return null;
  const limits = new Int32Array(heads * numQueries).fill(numKeys);
  if (validLens !== undefined) {
    const checked = checkValidLens(OP, validLens, { batch: lead[0], queries: numQueries, keys: numKeys });
    const lens = checked.toTypedArray();
    const batch = lead[0]!;
    const perQuery = checked.ndim === 2;
    const perBatch = heads / batch;
    for (let h = 0; h < heads; h++) {
      const b = Math.floor(h / perBatch);
      for (let i = 0; i < numQueries; i++) {
        limits[h * numQueries + i] = lens[perQuery ? b * numQueries + i : b]!;
      }
    }
  }
  if (isCausal) {
    const offset = numKeys - numQueries;
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < numQueries; i++) {
        const r = h * numQueries + i;
        limits[r] = Math.min(limits[r]!, Math.max(0, i + offset + 1));
      }
    }
  }
  return limits;
}
