import { Linear, Module } from '@attnkit/layers';
import type { CausalAlignment, MaskLike, ValidLens } from '@attnkit/masking';
import { applyRotaryEmbedding } from '@attnkit/positional';
import { flashAttention, scaledDotProductAttention } from '@attnkit/scoring';
import {
  checkOptions,
  checkValidLens,
  formatShape,
  Generator,
  InvalidArgumentError,
  mul,
  repeatInterleave,
  reshape,
  ShapeError,
  Tensor,
  tensor,
} from '@attnkit/tensor';
import { attentionMask } from './internal/attention-mask.js';
import { checkAttentionInputs, checkCount, checkRotary } from './internal/check.js';
import { canFuse } from './internal/fusable.js';
import { mergeHeads, splitHeads } from './internal/heads.js';
import { KVCache, KVCacheLayer } from './kv-cache.js';

/** How positions enter the attention: not at all, by rotating queries and keys, or by a score bias. */
export type PositionalKind = 'none' | 'rotary' | 'alibi';

/** Rotary settings of {@link MultiHeadAttention} (see `applyRotaryEmbedding` of @attnkit/positional). */
export interface MultiHeadRotaryOptions {
  /** Frequency base b of θ_j = b^(−2j/rotaryDim) (default 10000). */
  base?: number;
  /** Number of leading features of each head that are rotated, even (default: the head size). */
  rotaryDim?: number;
  /** Rotate pairs (x_2j, x_2j+1) instead of (x_j, x_j+r/2) (default false). */
  interleaved?: boolean;
}

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /** Width of the projected queries, keys and values and of the output; a multiple of `numHeads`. */
  numHiddens: number;
  /** Number of heads h; each attends over `numHiddens / numHeads` features. */
  numHeads: number;
  /** Dropout probability on the attention weights, in [0, 1] (default 0); active in training mode. */
  dropout?: number;
  /** Give W_q, W_k, W_v and W_o biases (default false, as D2L). */
  bias?: boolean;
  /** Last axis of the queries; omit to infer it at the first forward (D2L's `LazyLinear`). */
  querySize?: number;
  /** Last axis of the keys; omit to infer it at the first forward. */
  keySize?: number;
  /** Last axis of the values; omit to infer it at the first forward. */
  valueSize?: number;
  /**
   * Number of key/value heads (grouped-query attention), dividing `numHeads` (default `numHeads`);
   * 1 is multi-query attention. Each group of `numHeads / numKVHeads` query heads shares one.
   */
  numKVHeads?: number;
  /** Position information: `'none'` (default, as D2L), `'rotary'` (RoPE) or `'alibi'`. */
  positional?: PositionalKind;
  /** Rotary settings; only with `positional: 'rotary'`. */
  rotary?: MultiHeadRotaryOptions;
  /** Which layer slot of a shared {@link KVCache} this module uses (default 0). */
  layerIndex?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/** Options of {@link MultiHeadAttention.forward} beyond D2L's `validLens`. */
export interface MultiHeadAttentionForwardOptions {
  /**
   * A bool mask (`true` = may attend) or a float mask added to the scores, broadcastable to
   * `(batch, heads, queries, keys)`; a 3-D mask is `(batch, queries, keys)` and applies to every head.
   */
  mask?: MaskLike;
  /** Hide each query's future keys (default false). */
  isCausal?: boolean;
  /**
   * Where the queries sit among the keys when they differ in number, for the causal mask and the
   * ALiBi bias: `'bottom-right'` (default; the queries are the newest positions, as with a cache)
   * or `'top-left'`.
   */
  alignment?: CausalAlignment;
  /**
   * A cache of earlier keys and values (self-attention decoding): the new keys and values are
   * appended to it and the queries attend over everything cached. A {@link KVCache} is read at
   * this module's `layerIndex`.
   */
  cache?: KVCache | KVCacheLayer;
  /**
   * Keys and values projected once by {@link MultiHeadAttention.precompute} (encoder–decoder
   * attention while decoding, where the keys never change): `W_k` and `W_v` are skipped and the
   * queries attend over the stored keys; the `keys` and `values` arguments are only shape-checked.
   * Not combinable with `cache`.
   */
  precomputed?: KVCacheLayer;
  /**
   * Per-head factors `(numHeads)`, usually 0/1: head h's output is multiplied by `headMask[h]`
   * before W_o, so 0 switches the head off.
   */
  headMask?: Tensor | readonly number[];
  /**
   * Whether the attention weights are needed (default `true`, as PyTorch's `need_weights`). With
   * `false`, a fusable call (see {@link MultiHeadAttention.forward}'s remarks) runs the fused
   * FlashAttention kernel, which never forms the weights, and sets `attentionWeights` to `null`; any
   * other call computes the weights anyway and keeps them as with `true`.
   */
  needWeights?: boolean;
}

const OP = 'MultiHeadAttention';

/**
 * Multi-head attention (D2L `MultiHeadAttention`): h heads attend in parallel over learned
 * projections of the queries, keys and values, and W_o mixes their concatenated outputs.
 *
 * Shapes: queries (batch, queries, querySize), keys (batch, keys, keySize), values (batch, keys, valueSize),
 * validLens (batch) | (batch, queries) -> (batch, queries, numHiddens)
 *
 * head_i = softmax(Q W_q,i (K W_k,i)ᵀ / √d) V W_v,i with d = numHiddens / numHeads, and the output
 * is concat(head_1, …, head_h) W_o. State keys `W_q.weight`, `W_k.weight`, `W_v.weight`, `W_o.weight`
 * (and `.bias` with `bias: true`), as D2L's PyTorch module. Beyond D2L: boolean/additive masks
 * and causal masking, grouped-query heads, rotary or ALiBi positions, a key/value cache for
 * incremental decoding, per-head weights and a head mask.
 *
 * @param options - `numHiddens`, `numHeads`, `dropout = 0`, `bias = false`, `querySize`, `keySize`,
 *   `valueSize`, `numKVHeads = numHeads`, `positional = 'none'`, `rotary`, `layerIndex = 0`,
 *   `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `numHiddens` or `numHeads` is not an integer ≥ 1.
 * @throws {@link InvalidArgumentError} if `numHiddens` is not divisible by `numHeads`.
 * @throws {@link InvalidArgumentError} if `numKVHeads` is not an integer ≥ 1 dividing `numHeads`.
 * @throws {@link InvalidArgumentError} if `dropout` is not a number in [0, 1].
 * @throws {@link InvalidArgumentError} if `positional` is unknown, `rotary` is given without
 *   `positional: 'rotary'`, or the rotary dimension is not an even integer in [2, numHiddens / numHeads].
 * @throws {@link InvalidArgumentError} if `querySize`, `keySize`, `valueSize` or `layerIndex` is not a
 *   non-negative integer.
 * @throws {@link InvalidArgumentError} if the config is missing, has an unknown key (`num_heads` → `numHeads`) or a wrong type; `forward` likewise for its options (`cache` must be a KVCache or KVCacheLayer) and for validLens (checked once, whichever path runs).
 * @remarks Heads are computed as one batched attention over `(batch, heads, n, d)`, which is D2L's
 *   `transpose_qkv` layout `(batch·heads, n, d)` with the heads axis unfolded; `attentionWeights`
 *   is reported in D2L's layout. Scores are scaled by 1/√d with d the head size. When the
 *   weights are not read (training), pass `needWeights: false` to `forward`: the call then runs
 *   the fused FlashAttention kernel whenever that gives the same output (see `forward`).
 * @see D2L §11.5 "Multi-Head Attention"; Vaswani et al. 2017, §3.2.2; Ainslie et al. 2023 (GQA);
 *   Shazeer 2019 (multi-query attention); Su et al. 2021 (RoPE); Press et al. 2022 (ALiBi);
 *   Dao et al. 2022 (FlashAttention, the `needWeights: false` path); PyTorch
 *   `nn.MultiheadAttention(need_weights=...)`.
 * @example
 * ```ts
 * const attention = new MultiHeadAttention({ numHiddens: 100, numHeads: 5, dropout: 0.5 }).eval();
 * const X = ones([2, 4, 100]);
 * const Y = ones([2, 6, 100]);
 * attention.forward(X, Y, Y, tensor([3, 2], { dtype: 'int32' })).shape; // [2, 4, 100]
 * attention.forward(X, Y, Y, [3, 2], { needWeights: false }); // fused kernel, no weights formed
 * attention.attentionWeights; // null
 * ```
 */
export class MultiHeadAttention extends Module {
  /** Width of the projections and of the output. */
  readonly numHiddens: number;
  /** Number of query heads. */
  readonly numHeads: number;
  /** Number of key/value heads (equal to `numHeads` unless grouped-query attention). */
  readonly numKVHeads: number;
  /** Features per head, `numHiddens / numHeads`. */
  readonly headDim: number;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  /** How positions enter the attention. */
  readonly positional: PositionalKind;
  /** Which slot of a shared {@link KVCache} this module uses. */
  readonly layerIndex: number;
  /** Query projection `(numHiddens, querySize)`. */
  readonly W_q: Linear;
  /** Key projection `(numKVHeads·headDim, keySize)`. */
  readonly W_k: Linear;
  /** Value projection `(numKVHeads·headDim, valueSize)`. */
  readonly W_v: Linear;
  /** Output projection `(numHiddens, numHiddens)`. */
  readonly W_o: Linear;
  readonly #rotary: MultiHeadRotaryOptions;
  readonly #rng: Generator | undefined;
  /** Weights of the last forward, `(batch, heads, queries, keys)`. */
  #weights: Tensor | null = null;

  constructor(options: MultiHeadAttentionOptions) {
    super();
    checkOptions(
      OP,
      options,
      {
        numHiddens: 'number',
        numHeads: 'number',
        dropout: 'number',
        bias: 'boolean',
        querySize: 'number',
        keySize: 'number',
        valueSize: 'number',
        numKVHeads: 'number',
        positional: 'string',
        rotary: 'object',
        layerIndex: 'number',
        dtype: ['float32', 'float64'],
        rng: { expected: 'a Generator', test: (v) => v instanceof Generator },
      },
      { required: true, usage: 'new MultiHeadAttention({ numHiddens: 8, numHeads: 2 })' },
    );
    if (options.rotary !== undefined) {
      checkOptions(
        OP,
        options.rotary,
        { base: 'number', rotaryDim: 'number', interleaved: 'boolean' },
        { argument: 'options.rotary' },
      );
    }
    this.numHiddens = checkCount(OP, 'numHiddens', options.numHiddens);
    this.numHeads = checkCount(OP, 'numHeads', options.numHeads);
    if (this.numHiddens % this.numHeads !== 0) {
      throw new InvalidArgumentError(
        `${OP}: numHiddens (${this.numHiddens}) must be divisible by numHeads (${this.numHeads}).`,
      );
    }
    this.headDim = this.numHiddens / this.numHeads;
    this.numKVHeads = checkCount(OP, 'numKVHeads', options.numKVHeads ?? this.numHeads);
    if (this.numHeads % this.numKVHeads !== 0) {
      throw new InvalidArgumentError(
        `${OP}: numKVHeads (${this.numKVHeads}) must divide numHeads (${this.numHeads}).`,
      );
    }
    const p = options.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
      throw new InvalidArgumentError(`${OP}: dropout must be a number in [0, 1]; got ${p}.`);
    }
    this.dropout = p;
    this.positional = options.positional ?? 'none';
    this.#rotary = checkRotary(OP, this.positional, options.rotary, this.headDim);
    this.layerIndex = checkCount(OP, 'layerIndex', options.layerIndex ?? 0, 0);
    this.#rng = options.rng;

    const linear = (outFeatures: number, inFeatures: number | undefined, name: string): Linear =>
      new Linear({
        outFeatures,
        bias: options.bias ?? false,
        dtype: options.dtype ?? 'float32',
        ...(inFeatures === undefined ? {} : { inFeatures: checkCount(OP, name, inFeatures, 0) }),
        ...(options.rng === undefined ? {} : { rng: options.rng }),
      });
    const kvWidth = this.numKVHeads * this.headDim;
    this.W_q = this.registerModule('W_q', linear(this.numHiddens, options.querySize, 'querySize'));
    this.W_k = this.registerModule('W_k', linear(kvWidth, options.keySize, 'keySize'));
    this.W_v = this.registerModule('W_v', linear(kvWidth, options.valueSize, 'valueSize'));
    this.W_o = this.registerModule('W_o', linear(this.numHiddens, this.numHiddens, 'numHiddens'));
  }

  /**
   * The attention weights of the last forward in D2L's layout, `(batch·heads, queries, keys)`
   * (row b·numHeads + h is batch b, head h), before dropout; `null` before the first forward and
   * after a forward that ran the fused kernel (`needWeights: false` on a fusable call), so it never
   * holds the weights of an earlier call.
   */
  get attentionWeights(): Tensor | null {
    if (this.#weights === null) return null;
    const [batch, heads, queries, keys] = this.#weights.shape as [number, number, number, number];
    return reshape(this.#weights, [batch * heads, queries, keys]);
  }

  /**
   * The attention weights of the last forward per head, for visualisation.
   *
   * Shapes: -> (batch, heads, queries, keys)
   *
   * @returns `attentionWeights` reshaped so that `[b, h]` is head h of batch entry b.
   * @throws {@link InvalidArgumentError} if no weights were kept (no forward yet, or the last one ran
   *   the fused kernel with `needWeights: false`).
   */
  headWeights(): Tensor {
    if (this.#weights === null) {
      throw new InvalidArgumentError(
        `${OP}.headWeights: no attention weights kept; call forward first (without needWeights: false).`,
      );
    }
    return this.#weights;
  }

  /** A new, empty {@link KVCache} with a slot for this module's `layerIndex`. */
  createCache(): KVCache {
    return new KVCache({ numLayers: this.layerIndex + 1 });
  }

  /**
   * Projects keys and values once (W_k, W_v, heads split; rotary at positions 0…) into a new
   * {@link KVCacheLayer}, for `forward(..., { precomputed })`: encoder–decoder attention computes
   * the encoder's keys and values once per source instead of once per decoded token.
   *
   * Shapes: keys (batch, keys, keySize), values (batch, keys, valueSize) -> layer keys (batch, kvHeads, keys, d)
   *
   * @throws {@link ShapeError} if keys or values is not 3-D or they disagree on batch or key count.
   */
  precompute(keys: Tensor, values: Tensor): KVCacheLayer {
    if (
      keys.ndim !== 3 ||
      values.ndim !== 3 ||
      keys.shape[0] !== values.shape[0] ||
      keys.shape[1] !== values.shape[1]
    ) {
      throw new ShapeError(
        `${OP}.precompute: keys (batch, keys, keySize) and values (batch, keys, valueSize) must agree on batch and keys; got ${formatShape(keys.shape)} and ${formatShape(values.shape)}.`,
      );
    }
    let k = splitHeads(this.W_k.forward(keys), this.numKVHeads);
    const v = splitHeads(this.W_v.forward(values), this.numKVHeads);
    if (this.positional === 'rotary') k = applyRotaryEmbedding(k, { ...this.#rotary, offset: 0 });
    const layer = new KVCacheLayer();
    layer.append(k, v);
    return layer;
  }

  /**
   * Projects, splits into heads, attends per head and mixes the heads' outputs with W_o.
   *
   * Shapes: queries (batch, queries, querySize), keys (batch, keys, keySize), values (batch, keys, valueSize),
   * validLens (batch) | (batch, queries) -> (batch, queries, numHiddens)
   *
   * @param queries - `(batch, queries, querySize)`.
   * @param keys - `(batch, keys, keySize)`; with a cache, only the new positions.
   * @param values - `(batch, keys, valueSize)`; with a cache, only the new positions.
   * @param validLens - Valid keys per sequence `(batch)` or per query `(batch, queries)`, counted
   *   over all keys (cached ones included); the same for every head (D2L `repeat_interleave`).
   * @param options - `mask`, `isCausal`, `alignment`, `cache`, `headMask`, `needWeights`.
   * @returns `(batch, queries, numHiddens)`, differentiable in the inputs, the weights and a float mask.
   * @throws {@link ShapeError} if queries, keys or values is not 3-D, their batch sizes, the key
   *   counts of keys and values, or a last axis and the projection's input size disagree (naming both shapes).
   * @throws {@link ShapeError} if `validLens` is neither `(batch)` nor `(batch, queries)`.
   * @throws {@link ShapeError} if `mask` does not broadcast to `(batch, heads, queries, keys)`.
   * @throws {@link ShapeError} if `headMask` is not `(numHeads)`.
   * @throws {@link ShapeError} if the new keys do not extend the cached ones (batch size differs).
   * @throws {@link InvalidArgumentError} if `mask` is neither bool nor float, or a valid length is
   *   negative, fractional or greater than the number of keys.
   * @remarks With `validLens` alone masking is D2L's (masked scores −1e6, a row with validLen 0 is
   *   uniform). With a bool mask, `isCausal` or ALiBi, masked keys get exactly zero weight and a
   *   query that sees no key outputs W_o's bias (zero without bias). Rotary embeddings put query i
   *   and new key j at positions `cache length + i` and `cache length + j`; the cache stores
   *   rotated keys. The ALiBi bias places query i at key position i + keys − queries
   *   (`'bottom-right'`) and needs `isCausal` or a causal mask: it is positive for future keys.
   *
   *   `needWeights: false` runs `flashAttention` (Dao et al. 2022: O(queries·d) memory and several
   *   times faster than forming the weights) on the `(batch, heads, n, d)` heads when the call is
   *   fusable: float32, no dropout on the weights (p = 0 or eval mode), no `mask`, no ALiBi,
   *   `isCausal` only with the kernel's bottom-right diagonal (the default `alignment`, as in
   *   training and cached decoding, or as many queries as keys), `validLens` without a 0 unless `isCausal`
   *   (D2L gives a row with validLen 0 uniform weights, the kernel a zero output). Rotary
   *   embeddings, the KV cache, grouped-query heads (the key/value heads are repeated first) and
   *   `headMask` are all fusable. The output and its gradients equal the weights path's within
   *   float32 rounding; any other call silently takes the weights path.
   */
  forward(
    queries: Tensor,
    keys: Tensor,
    values: Tensor,
    validLens?: ValidLens,
    options: MultiHeadAttentionForwardOptions = {},
  ): Tensor {
    checkAttentionInputs(OP, queries, keys, values, [
      this.W_q.inFeatures,
      this.W_k.inFeatures,
      this.W_v.inFeatures,
    ]);
    checkOptions(
      OP,
      options,
      {
        mask: 'tensor',
        isCausal: 'boolean',
        alignment: 'string',
        cache: {
          expected: 'a KVCache or a KVCacheLayer',
          test: (v) => v instanceof KVCache || v instanceof KVCacheLayer,
        },
        precomputed: { expected: 'a KVCacheLayer', test: (v) => v instanceof KVCacheLayer },
        headMask: 'any',
        needWeights: 'boolean',
      },
      { usage: 'mha.forward(q, k, v, validLens, { isCausal: true })' },
    );
    const slot = options.cache instanceof KVCache ? options.cache.layer(this.layerIndex) : options.cache;
    const past = slot?.length ?? 0;
    const [batch, numQueries] = queries.shape as [number, number, number];
    // One check of the lengths (counted over cached and new keys) whichever path runs below, so the
    // fused and the plain path report the same errors; both then receive a checked int32 tensor.
    const lens =
      validLens === undefined
        ? undefined
        : checkValidLens(OP, validLens, { batch, queries: numQueries, keys: past + keys.shape[1]! });
    const pre = options.precomputed;
    if (pre !== undefined) {
      if (slot !== undefined) {
        throw new InvalidArgumentError(`${OP}: options.precomputed and options.cache cannot be combined.`);
      }
      if (
        pre.keys === null ||
        pre.values === null ||
        pre.keys.shape[0] !== batch ||
        pre.keys.shape[2] !== keys.shape[1]
      ) {
        throw new ShapeError(
          `${OP}: options.precomputed must hold (${batch}, ${this.numKVHeads}, ${keys.shape[1]}, ${this.headDim}) keys to match keys ${formatShape(keys.shape)}; got ${pre.keys === null ? 'an empty layer' : formatShape(pre.keys.shape)}.`,
        );
      }
    }

    // D2L transpose_qkv, with the heads axis kept: (batch, n, heads·d) -> (batch, heads, n, d).
    let q = splitHeads(this.W_q.forward(queries), this.numHeads);
    let k: Tensor;
    let v: Tensor;
    if (pre !== undefined) {
      k = pre.keys as Tensor;
      v = pre.values as Tensor;
      if (this.positional === 'rotary') q = applyRotaryEmbedding(q, { ...this.#rotary, offset: 0 });
    } else {
      k = splitHeads(this.W_k.forward(keys), this.numKVHeads);
      v = splitHeads(this.W_v.forward(values), this.numKVHeads);
      if (this.positional === 'rotary') {
        q = applyRotaryEmbedding(q, { ...this.#rotary, offset: past });
        k = applyRotaryEmbedding(k, { ...this.#rotary, offset: past });
      }
    }
    if (slot !== undefined) ({ keys: k, values: v } = slot.append(k, v));
    const group = this.numHeads / this.numKVHeads;
    if (group > 1) {
      // Grouped-query attention: query heads g·group … (g+1)·group − 1 share key/value head g.
      k = repeatInterleave(k, group, 1);
      v = repeatInterleave(v, group, 1);
    }
    const numKeys = k.shape[2]!;
    const alignment = options.alignment ?? 'bottom-right';
    const mask = attentionMask(OP, options.mask, this.positional === 'alibi', alignment, {
      batch,
      heads: this.numHeads,
      queries: numQueries,
      keys: numKeys,
      dtype: q.dtype === 'float64' ? 'float64' : 'float32',
    });
    const headMask = options.headMask === undefined ? null : this.#headMask(options.headMask, q.dtype);
    const isCausal = options.isCausal === true;
    const fused =
      options.needWeights === false &&
      canFuse({
        q,
        k,
        v,
        dropoutActive: this.dropout > 0 && this.training,
        scoresMasked: mask !== undefined,
        isCausal,
        alignment,
        validLens: lens,
      });

    let output: Tensor;
    if (fused) {
      // softmax(QKᵀ/√d)V without the weights; isCausal is the kernel's bottom-right diagonal.
      output = flashAttention(q, k, v, {
        ...(isCausal ? { isCausal } : {}),
        ...(lens === undefined ? {} : { validLens: lens }),
      });
      this.#weights = null;
    } else {
      const result = scaledDotProductAttention(q, k, v, {
        ...(mask === undefined ? {} : { mask }),
        ...(lens === undefined ? {} : { validLens: lens }),
        ...(isCausal ? { isCausal: true, alignment } : {}),
        dropout: this.dropout,
        training: this.training,
        ...(this.#rng === undefined ? {} : { rng: this.#rng }),
      });
      output = result.output;
      this.#weights = result.attentionWeights;
    }
    // head_h · headMask[h], then D2L transpose_output: (batch, heads, queries, d) -> (batch, queries, heads·d).
    const heads = headMask === null ? output : mul(output, headMask);
    return this.W_o.forward(mergeHeads(heads));
  }

  /** headMask as a `(1, heads, 1, 1)` tensor of `dtype`. */
  #headMask(headMask: Tensor | readonly number[], dtype: string): Tensor {
    const t =
      headMask instanceof Tensor
        ? headMask
        : tensor(headMask.slice(), { dtype: dtype === 'float64' ? 'float64' : 'float32' });
    if (t.ndim !== 1 || t.shape[0] !== this.numHeads) {
      throw new ShapeError(
        `${OP}: headMask must have shape (${this.numHeads}); got ${formatShape(t.shape)}.`,
      );
    }
    return reshape(t, [1, this.numHeads, 1, 1]);
  }
}
