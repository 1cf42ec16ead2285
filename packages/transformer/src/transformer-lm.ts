import { Dropout, Embedding, LayerNorm, Linear, Module } from '@attnkit/layers';
import { KVCache } from '@attnkit/multihead';
import { LearnedPositionalEncoding, PositionalEncoding } from '@attnkit/positional';
import {
  checkAllocation,
  checkOptions,
  defaultGenerator,
  type Generator,
  InvalidArgumentError,
  matmul,
  mul,
  NonFiniteError,
  noGrad,
  type Tensor,
  tensor,
  transpose,
} from '@attnkit/tensor';
import {
  checkChoice,
  checkConfig,
  checkCount,
  checkHeads,
  checkProbability,
  type FloatDType,
  SCHEMAS,
} from './internal/check.js';
import { ModuleList } from './internal/module-list.js';
import { sampleToken } from './internal/sample.js';
import { checkTokens } from './internal/tokens.js';
import { TransformerLMBlock } from './transformer-lm-block.js';

/** How a {@link TransformerLM} encodes positions. */
export type LMPositional = 'sinusoidal' | 'learned' | 'rotary' | 'alibi';

/** The complete, JSON-serialisable configuration of a {@link TransformerLM} (every default resolved). */
export interface TransformerLMConfig {
  /** Number of tokens (rows of the embedding, width of the logits). */
  vocabSize: number;
  /** Width of every position's representation; a multiple of `numHeads`. */
  numHiddens: number;
  /** Number of query heads per block. */
  numHeads: number;
  /** Number of blocks. */
  numBlks: number;
  /** Hidden width of each block's position-wise FFN. */
  ffnNumHiddens: number;
  /** Longest sequence for `'sinusoidal'` and `'learned'` positions (rows of the table). */
  maxLen: number;
  /** Dropout probability (input, attention weights, residual branches). */
  dropout: number;
  /** Position scheme. */
  positional: LMPositional;
  /** Pre- or post-norm residual blocks. */
  norm: 'pre' | 'post';
  /** Output head shares the embedding matrix. */
  tieWeights: boolean;
  /** Key/value heads (grouped-query attention); equal to `numHeads` for ordinary multi-head attention. */
  numKVHeads: number;
  /** FFN nonlinearity. */
  activation: 'relu' | 'gelu';
  /** Parameter dtype. */
  dtype: FloatDType;
}

/** Options of {@link TransformerLM}: the config with optional fields defaulted, and an `rng`. */
export interface TransformerLMOptions
  extends Pick<
      TransformerLMConfig,
      'vocabSize' | 'numHiddens' | 'numHeads' | 'numBlks' | 'ffnNumHiddens' | 'maxLen'
    >,
    Partial<
      Omit<
        TransformerLMConfig,
        'vocabSize' | 'numHiddens' | 'numHeads' | 'numBlks' | 'ffnNumHiddens' | 'maxLen'
      >
    > {
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/** Options of {@link TransformerLM.forward}. */
export interface TransformerLMForwardOptions {
  /** A cache from {@link TransformerLM.createCache}: tokens continue the cached sequence. */
  cache?: KVCache;
  /**
   * Absolute position of the first token for `'sinusoidal'`/`'learned'` positions (default: the
   * cache length, or 0); with a cache it must equal the cache length. Rotary and ALiBi are
   * relative, so for them only the cache matters.
   */
  offset?: number;
  /**
   * Keep every block's self-attention weights for {@link TransformerLM.attentionWeights} (default
   * `false`, like Hugging Face's `output_attentions`). Without them each attention runs the fused
   * FlashAttention kernel, which is faster and never forms the `(positions × keys)` weights, unless
   * its configuration needs the weights anyway (dropout > 0 in training mode, or ALiBi positions).
   */
  needWeights?: boolean;
}

/** Options of {@link TransformerLM.generate}. */
export interface GenerateOptions {
  /** Number of tokens to append to the prompt. */
  maxNewTokens: number;
  /** Softmax temperature ≥ 0 (default 1); 0 is greedy decoding (argmax). */
  temperature?: number;
  /** Sample only among the k most likely tokens. */
  topK?: number;
  /** Random source of the samples; the default generator when omitted. */
  rng?: Generator;
}

const CONFIG_KEYS: readonly (keyof TransformerLMConfig)[] = [
  'vocabSize',
  'numHiddens',
  'numHeads',
  'numBlks',
  'ffnNumHiddens',
  'maxLen',
  'dropout',
  'positional',
  'norm',
  'tieWeights',
  'numKVHeads',
  'activation',
  'dtype',
];

/**
 * A decoder-only (GPT-style) Transformer language model: token embedding, a position scheme,
 * `numBlks` causal {@link TransformerLMBlock}s and an output head to next-token logits, with a
 * KV cache for incremental decoding and sampling.
 *
 * Shapes: tokens (batch, positions) int32 -> logits (batch, positions, vocabSize)
 *
 * @param options - `vocabSize`, `numHiddens`, `numHeads`, `numBlks`, `ffnNumHiddens`, `maxLen`,
 *   `dropout = 0`, `positional = 'sinusoidal'`, `norm = 'pre'`, `tieWeights = false`,
 *   `numKVHeads = numHeads`, `activation = 'relu'`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if a size is not an integer ≥ 1, `numHiddens` is not
 *   divisible by `numHeads`, `numKVHeads` does not divide `numHeads`, `dropout` is not in [0, 1],
 *   `positional`, `norm`, `activation` or `dtype` is unknown, `tieWeights` is not a boolean, or
 *   `positional` is `'rotary'` with an odd head size numHiddens / numHeads.
 * @throws {@link InvalidArgumentError} if the config is missing, has an unknown key (`numLayers` → `numBlks`) or a wrong type.
 * @throws {@link MemoryLimitError} if all parameters together would exceed the memory limit (checked before any is allocated).
 * @throws {@link NonFiniteError} from `generate` if the logits are not finite.
 * @remarks Logits at position t depend only on tokens 0..t. Inputs are embedding · √numHiddens
 *   (D2L, Vaswani et al. §3.4) with the embedding initialised N(0, 1/numHiddens), so inputs have
 *   unit scale next to the sinusoidal encoding and a tied head gives logits of unit scale.
 *   `'sinusoidal'` and `'learned'` add an absolute encoding to the input (so sequences are limited
 *   to `maxLen`); `'rotary'` rotates queries and keys and `'alibi'` biases the scores, inside
 *   every attention (no length limit). State keys: `embedding.weight`, `pos_encoding.weight`
 *   (learned only), `blks.0.…` (see {@link TransformerLMBlock}), `ln_f.{weight,bias}` (pre-norm
 *   only), `dense.{weight,bias}` (untied only; the tied head reuses `embedding.weight` and has no bias).
 * @see D2L §11.7 (Transformer), §11.9 (decoder-only GPT); Radford et al. 2019 (GPT-2);
 *   Press and Wolf 2017 (tied embeddings); Su et al. 2021 (RoPE); Press et al. 2022 (ALiBi).
 * @example
 * ```ts
 * const lm = new TransformerLM({ vocabSize: 65, numHiddens: 128, numHeads: 4, numBlks: 2, ffnNumHiddens: 512, maxLen: 128 });
 * const tokens = tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { dtype: 'int32' }); // (batch, positions)
 * lm.forward(tokens).shape; // [2, 4, 65] = (batch, positions, vocabSize)
 * lm.generate([1, 2, 3], { maxNewTokens: 20, temperature: 0.8, rng: new Generator(0) }); // Int32Array(23)
 * const copy = TransformerLM.fromConfig(JSON.parse(JSON.stringify(lm.config)));
 * ```
 */
export class TransformerLM extends Module {
  readonly #config: TransformerLMConfig;
  /** Token embedding (child `embedding`). */
  readonly embedding: Embedding;
  /** The additive position encoding (child `pos_encoding`), or `null` for rotary and ALiBi. */
  readonly posEncoding: PositionalEncoding | LearnedPositionalEncoding | null;
  /** The causal blocks (children `blks.0`, `blks.1`, …). */
  readonly blks: readonly TransformerLMBlock[];
  /** Final layer norm (child `ln_f`) of a pre-norm model; `null` for post-norm. */
  readonly lnF: LayerNorm | null;
  /** Output head (child `dense`), or `null` when tied to the embedding. */
  readonly dense: Linear | null;
  readonly #inputDropout: Dropout | null;

  constructor(options: TransformerLMOptions) {
    super();
    checkConfig('TransformerLM', options);
    const config = resolveConfig(options);
    this.#config = config;
    const { vocabSize, numHiddens, dropout, dtype, maxLen } = config;
    const rng = options.rng === undefined ? {} : { rng: options.rng };

    this.embedding = this.registerModule(
      'embedding',
      new Embedding({ numEmbeddings: vocabSize, embeddingDim: numHiddens, dtype, ...rng }),
    );
    // N(0, 1) → N(0, 1/numHiddens), in place (the parameter owns contiguous storage).
    const { data, offset } = this.embedding.weight.nd;
    const scale = 1 / Math.sqrt(numHiddens);
    for (let i = 0; i < this.embedding.weight.numel(); i++)
      data[offset + i] = (data[offset + i] as number) * scale;

    if (config.positional === 'sinusoidal') {
      this.posEncoding = this.registerModule(
        'pos_encoding',
        new PositionalEncoding({ numHiddens, dropout, maxLen, ...rng }),
      );
      this.#inputDropout = null;
    } else if (config.positional === 'learned') {
      this.posEncoding = this.registerModule(
        'pos_encoding',
        new LearnedPositionalEncoding({ maxLen, numHiddens, dropout, dtype, ...rng }),
      );
      this.#inputDropout = null;
    } else {
      this.posEncoding = null;
      this.#inputDropout = this.registerModule('dropout', new Dropout({ p: dropout, ...rng }));
    }

    const blks = this.registerModule('blks', new ModuleList<TransformerLMBlock>());
    const inAttention =
      config.positional === 'rotary' || config.positional === 'alibi' ? config.positional : 'none';
    for (let i = 0; i < config.numBlks; i++) {
      blks.push(
        String(i),
        new TransformerLMBlock({
          numHiddens,
          numHeads: config.numHeads,
          ffnNumHiddens: config.ffnNumHiddens,
          dropout,
          norm: config.norm,
          positional: inAttention,
          numKVHeads: config.numKVHeads,
          activation: config.activation,
          layerIndex: i,
          dtype,
          ...rng,
        }),
      );
    }
    this.blks = blks.items;
    this.lnF =
      config.norm === 'pre'
        ? this.registerModule('ln_f', new LayerNorm({ normalizedShape: numHiddens, dtype }))
        : null;
    this.dense = config.tieWeights
      ? null
      : this.registerModule(
          'dense',
          new Linear({ inFeatures: numHiddens, outFeatures: vocabSize, dtype, ...rng }),
        );
  }

  /**
   * Rebuilds a model from a {@link TransformerLMConfig} (e.g. parsed from a checkpoint's JSON);
   * load the weights with `loadStateDict` afterwards.
   *
   * @param config - A config as returned by {@link TransformerLM.config} (optional fields may be omitted).
   * @param options - `rng` for the (to be overwritten) initial weights.
   * @returns A new model with freshly initialised weights.
   * @throws {@link InvalidArgumentError} if `config` is not an object, has a key that is not a
   *   config field, or is invalid as constructor options.
   */
  static fromConfig(
    config: Readonly<Partial<TransformerLMConfig>>,
    options: { rng?: Generator } = {},
  ): TransformerLM {
    if (typeof config !== 'object' || config === null) {
      throw new InvalidArgumentError(
        `TransformerLM.fromConfig: config must be an object; got ${String(config)}.`,
      );
    }
    const unknown = Object.keys(config).filter((k) => !CONFIG_KEYS.includes(k as keyof TransformerLMConfig));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(
        `TransformerLM.fromConfig: config has unknown keys [${unknown.join(', ')}]; expected keys of [${CONFIG_KEYS.join(', ')}].`,
      );
    }
    return new TransformerLM({ ...(config as TransformerLMConfig), ...options });
  }

  /** The full configuration (a fresh plain object, JSON-serialisable); {@link TransformerLM.fromConfig} rebuilds the model. */
  get config(): TransformerLMConfig {
    return { ...this.#config };
  }

  /**
   * The matrix that maps hidden states to logits, `(vocabSize, numHiddens)`: `dense.weight`, or
   * the embedding matrix itself (same object and storage) when weights are tied.
   */
  get outputWeight(): Tensor {
    return this.dense === null ? this.embedding.weight : this.dense.weight;
  }

  /**
   * Self-attention weights of every block from the last forward, `(batch·heads, positions, keys)`
   * each; `null` before a forward, and for a block whose last forward ran the fused kernel (a
   * forward without `needWeights: true`).
   */
  get attentionWeights(): (Tensor | null)[] {
    return this.blks.map((blk) => blk.attention.attentionWeights);
  }

  /** A new, empty KV cache with one slot per block, for {@link TransformerLM.forward} and decoding. */
  createCache(): KVCache {
    return new KVCache({ numLayers: this.#config.numBlks });
  }

  /**
   * Next-token logits at every position.
   *
   * Shapes: tokens (batch, positions) int32 -> (batch, positions, vocabSize)
   *
   * @param tokens - Token ids in [0, vocabSize).
   * @param options - `cache`: continue a cached sequence (the tokens' keys and values are
   *   appended); `offset`: absolute position of the first token; `needWeights = false`: keep the
   *   attention weights for {@link TransformerLM.attentionWeights}.
   * @returns Logits; position t depends on tokens ≤ t (and the cached ones) only.
   * @throws {@link ShapeError} if `tokens` is not 2-D or its batch differs from the cache's.
   * @throws {@link InvalidArgumentError} if `tokens` is not int32 or an id lies outside
   *   [0, vocabSize); if `offset` is not an integer ≥ 0, or differs from the cache length; if the
   *   cache has fewer layers than blocks; or, for `'sinusoidal'`/`'learned'` positions, if
   *   offset + positions > maxLen.
   * @remarks By default no attention weights are kept, so every block's causal self-attention
   *   runs the fused FlashAttention kernel (Dao et al. 2022), training and cached decoding alike;
   *   the logits and gradients equal those of the weights path within float32 rounding. Pass
   *   `needWeights: true` to read {@link TransformerLM.attentionWeights} afterwards.
   */
  forward(tokens: Tensor, options: TransformerLMForwardOptions = {}): Tensor {
    const op = 'TransformerLM.forward';
    checkOptions(op, options, SCHEMAS.lmForward);
    const { numHiddens, maxLen, positional, numBlks } = this.#config;
    checkTokens(op, tokens, this.#config.vocabSize);
    const { cache } = options;
    if (cache !== undefined && (!(cache instanceof KVCache) || cache.numLayers < numBlks)) {
      throw new InvalidArgumentError(
        `${op}: cache must be a KVCache with at least ${numBlks} layers (use createCache()); got ${cache instanceof KVCache ? `${cache.numLayers} layers` : String(cache)}.`,
      );
    }
    const cached = cache?.length ?? 0;
    const offset = options.offset ?? cached;
    if (!Number.isInteger(offset) || offset < 0) {
      throw new InvalidArgumentError(`${op}: offset must be an integer ≥ 0; got ${offset}.`);
    }
    if (cache !== undefined && offset !== cached) {
      throw new InvalidArgumentError(`${op}: offset must equal the cache length ${cached}; got ${offset}.`);
    }
    const steps = tokens.shape[1]!;
    if (this.posEncoding !== null && offset + steps > maxLen) {
      throw new InvalidArgumentError(
        `${op}: positions must fit maxLen ${maxLen} with ${positional} positions; got offset ${offset} + sequence length ${steps} = ${offset + steps}.`,
      );
    }
    let X = mul(this.embedding.forward(tokens), Math.sqrt(numHiddens));
    X =
      this.posEncoding === null
        ? (this.#inputDropout as Dropout).forward(X)
        : this.posEncoding.forward(X, { offset });
    const blockOptions = {
      needWeights: options.needWeights ?? false,
      ...(cache === undefined ? {} : { cache }),
    };
    for (const blk of this.blks) X = blk.forward(X, blockOptions);
    if (this.lnF !== null) X = this.lnF.forward(X);
    return this.dense === null ? matmul(X, transpose(this.embedding.weight)) : this.dense.forward(X);
  }

  /**
   * Continues a prompt token by token with the KV cache: greedy when `temperature` is 0, otherwise
   * sampled from softmax(logits / temperature), optionally among the `topK` most likely tokens.
   *
   * Shapes: prompt (positions) -> (positions + maxNewTokens) int32
   *
   * @param prompt - At least one token id in [0, vocabSize).
   * @param options - `maxNewTokens`, `temperature = 1`, `topK`, `rng`.
   * @returns The prompt followed by the generated tokens.
   * @throws {@link InvalidArgumentError} if `prompt` is empty or has an id that is not an integer in
   *   [0, vocabSize), `maxNewTokens` is not an integer ≥ 0, `temperature` is not a finite number
   *   ≥ 0, or `topK` is not an integer ≥ 1.
   * @remarks Runs in eval mode (no dropout) without recording gradients, and restores the training
   *   mode afterwards. The prompt is fed once, then one token per step. With `'sinusoidal'` or
   *   `'learned'` positions a sequence longer than `maxLen` cannot be encoded, so from then on each
   *   step recomputes the logits of the last `maxLen` tokens without the cache (a sliding window,
   *   as nanoGPT); rotary and ALiBi keep the cache at any length. Sampling draws one
   *   `rng.random()` per token, so a seeded `rng` gives the same text on every run.
   */
  generate(prompt: Int32Array | readonly number[], options: GenerateOptions): Int32Array {
    const op = 'TransformerLM.generate';
    checkOptions(op, options, SCHEMAS.generate, {
      required: true,
      usage: 'lm.generate(prompt, { maxNewTokens: 20 })',
    });
    const { vocabSize, maxLen } = this.#config;
    if (prompt.length === 0)
      throw new InvalidArgumentError(`${op}: prompt must have at least one token; got none.`);
    for (let i = 0; i < prompt.length; i++) {
      const id = prompt[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
        throw new InvalidArgumentError(
          `${op}: token ids must be integers in [0, vocabSize = ${vocabSize}); got ${id} at index ${i}.`,
        );
      }
    }
    const maxNewTokens = checkCount(op, 'maxNewTokens', options.maxNewTokens);
    const temperature = options.temperature ?? 1;
    if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
      throw new InvalidArgumentError(`${op}: temperature must be a finite number ≥ 0; got ${temperature}.`);
    }
    const topK = options.topK === undefined ? undefined : checkCount(op, 'topK', options.topK, 1);
    const rng = options.rng ?? defaultGenerator();

    const out = new Int32Array(prompt.length + maxNewTokens);
    out.set(prompt);
    let length = prompt.length;
    const wasTraining = this.training;
    this.eval();
    try {
      noGrad(() => {
        let cache: KVCache | null = this.createCache();
        while (length < out.length) {
          let logits: Tensor;
          if (cache !== null && (this.posEncoding === null || length <= maxLen)) {
            const fresh = out.subarray(cache.length, length);
            logits = this.forward(tokens1d(fresh), { cache });
          } else {
            cache = null; // past maxLen with an absolute scheme: sliding window, no cache
            logits = this.forward(tokens1d(out.subarray(Math.max(0, length - maxLen), length)));
          }
          const row = logits.toTypedArray();
          const last = row.subarray(row.length - vocabSize);
          for (let v = 0; v < last.length; v++) {
            if (!Number.isFinite(last[v]!)) {
              // Sampling from NaN logits would always pick one id; fail instead (NaN never passes silently).
              throw new NonFiniteError(
                `${op}: the logits at position ${length} are not finite (${last[v]} for token id ${v}); the model's weights may hold NaN or ±Infinity.`,
              );
            }
          }
          out[length] = sampleToken(last, temperature, topK, rng);
          length++;
        }
      });
    } finally {
      this.train(wasTraining);
    }
    return out;
  }
}

/** A `(1, n)` int32 tensor holding a copy of `ids`. */
function tokens1d(ids: Int32Array): Tensor {
  return tensor(Array.from(ids), { shape: [1, ids.length], dtype: 'int32' });
}

/** Validates the options and fills in every default. */
function resolveConfig(options: TransformerLMOptions): TransformerLMConfig {
  const op = 'TransformerLM';
  const vocabSize = checkCount(op, 'vocabSize', options.vocabSize, 1);
  checkHeads(op, options.numHiddens, options.numHeads);
  const { numHiddens, numHeads } = options;
  const numBlks = checkCount(op, 'numBlks', options.numBlks, 1);
  const ffnNumHiddens = checkCount(op, 'ffnNumHiddens', options.ffnNumHiddens, 1);
  const maxLen = checkCount(op, 'maxLen', options.maxLen, 1);
  const dropout = checkProbability(op, 'dropout', options.dropout ?? 0);
  const positional = checkChoice(op, 'positional', options.positional ?? 'sinusoidal', [
    'sinusoidal',
    'learned',
    'rotary',
    'alibi',
  ]);
  const norm = checkChoice(op, 'norm', options.norm ?? 'pre', ['pre', 'post']);
  const tieWeights = options.tieWeights ?? false;
  if (typeof tieWeights !== 'boolean') {
    throw new InvalidArgumentError(`${op}: tieWeights must be a boolean; got ${String(tieWeights)}.`);
  }
  const numKVHeads = checkCount(op, 'numKVHeads', options.numKVHeads ?? numHeads, 1);
  if (numHeads % numKVHeads !== 0) {
    throw new InvalidArgumentError(
      `${op}: numKVHeads must divide numHeads; got numKVHeads ${numKVHeads} and numHeads ${numHeads}.`,
    );
  }
  const headDim = numHiddens / numHeads;
  if (positional === 'rotary' && headDim % 2 !== 0) {
    throw new InvalidArgumentError(
      `${op}: rotary positions need an even head size numHiddens / numHeads; got ${numHiddens} / ${numHeads} = ${headDim}.`,
    );
  }
  const activation = checkChoice(op, 'activation', options.activation ?? 'relu', ['relu', 'gelu']);
  const dtype = checkChoice(op, 'dtype', options.dtype ?? 'float32', ['float32', 'float64']);
  // Every parameter and table together, before the first is allocated: embedding (and output head
  // unless tied), positions, and per block attention (≈ 4·h²), FFN (2·h·ffn) and norms.
  const h = numHiddens;
  const kv = (h / numHeads) * numKVHeads;
  const perBlock = h * h * 2 + h * kv * 2 + 2 * h * ffnNumHiddens + ffnNumHiddens + 6 * h;
  const total =
    vocabSize * h * (tieWeights ? 1 : 2) +
    (positional === 'sinusoidal' || positional === 'learned' ? maxLen * h : 0) +
    numBlks * perBlock;
  checkAllocation(
    op,
    `parameters for numHiddens ${h}, numBlks ${numBlks}, vocabSize ${vocabSize}`,
    [total],
    dtype,
  );
  return {
    vocabSize,
    numHiddens,
    numHeads,
    numBlks,
    ffnNumHiddens,
    maxLen,
    dropout,
    positional,
    norm,
    tieWeights,
    numKVHeads,
    activation,
    dtype,
  };
}
