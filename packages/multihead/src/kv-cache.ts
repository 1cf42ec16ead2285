import {
  checkOptions,
  concat,
  formatShape,
  InvalidArgumentError,
  ShapeError,
  type Tensor,
} from '@attnkit/tensor';
import { checkCount } from './internal/check.js';

/** Options of {@link KVCache}. */
export interface KVCacheOptions {
  /** Number of attention layers that share the cache, one slot each (default 1). */
  numLayers?: number;
}

/**
 * The cached keys and values of one attention layer for incremental (token-by-token) decoding.
 *
 * Shapes: keys (batch, kvHeads, length, d), values (batch, kvHeads, length, v)
 *
 * Keys are stored after projection and rotary embedding and before grouped-query heads are
 * repeated, so the cache holds `kvHeads`, not `heads`, rows per batch entry.
 *
 * @see {@link KVCache}; HF `DynamicCache` (one entry per layer).
 * @example
 * ```ts
 * const slot = new KVCache().layer(0);
 * slot.append(zeros([1, 2, 3, 4]), zeros([1, 2, 3, 4])).keys.shape; // [1, 2, 3, 4]
 * slot.length; // 3
 * ```
 */
export class KVCacheLayer {
  #keys: Tensor | null = null;
  #values: Tensor | null = null;

  /** The cached keys `(batch, kvHeads, length, d)`, or `null` while empty. */
  get keys(): Tensor | null {
    return this.#keys;
  }

  /** The cached values `(batch, kvHeads, length, v)`, or `null` while empty. */
  get values(): Tensor | null {
    return this.#values;
  }

  /** Number of cached positions (0 while empty): the position of the next token. */
  get length(): number {
    return this.#keys === null ? 0 : this.#keys.shape[2]!;
  }

  /**
   * Appends new keys and values along the position axis and returns everything cached so far.
   *
   * Shapes: keys (batch, kvHeads, n, d), values (batch, kvHeads, n, v) -> keys (batch, kvHeads, length + n, d), values (batch, kvHeads, length + n, v)
   *
   * @param keys - Keys of the new positions, `(batch, kvHeads, n, d)`.
   * @param values - Values of the new positions, `(batch, kvHeads, n, v)`.
   * @returns The concatenated keys and values (also kept as {@link KVCacheLayer.keys} and
   *   {@link KVCacheLayer.values}); differentiable in the appended tensors.
   * @throws {@link ShapeError} if `keys` or `values` is not 4-D, they disagree on batch, kvHeads or
   *   n, or they disagree with the cached tensors on anything but the position axis (naming both shapes).
   */
  append(keys: Tensor, values: Tensor): { keys: Tensor; values: Tensor } {
    const op = 'KVCacheLayer.append';
    for (const [name, t, last] of [
      ['keys', keys, 'd'],
      ['values', values, 'v'],
    ] as const) {
      if (t.ndim !== 4) {
        throw new ShapeError(
          `${op}: ${name} must have shape (batch, kvHeads, n, ${last}); got ${formatShape(t.shape)}.`,
        );
      }
    }
    if (
      keys.shape[0] !== values.shape[0] ||
      keys.shape[1] !== values.shape[1] ||
      keys.shape[2] !== values.shape[2]
    ) {
      throw new ShapeError(
        `${op}: values must have shape (${keys.shape.slice(0, 3).join(', ')}, v) to match keys ${formatShape(keys.shape)}; got ${formatShape(values.shape)}.`,
      );
    }
    if (this.#keys === null || this.#values === null) {
      this.#keys = keys;
      this.#values = values;
      return { keys, values };
    }
    for (const [name, cached, t] of [
      ['keys', this.#keys, keys],
      ['values', this.#values, values],
    ] as const) {
      if (
        cached.shape[0] !== t.shape[0] ||
        cached.shape[1] !== t.shape[1] ||
        cached.shape[3] !== t.shape[3]
      ) {
        const [b, h, , last] = cached.shape as [number, number, number, number];
        throw new ShapeError(
          `${op}: ${name} must have shape (${b}, ${h}, n, ${last}) to extend the cached ${name} ${formatShape(cached.shape)}; got ${formatShape(t.shape)}.`,
        );
      }
    }
    this.#keys = concat([this.#keys, keys], 2);
    this.#values = concat([this.#values, values], 2);
    return { keys: this.#keys, values: this.#values };
  }

  /** Empties this layer's cache (for a new sequence). */
  reset(): void {
    this.#keys = null;
    this.#values = null;
  }
}

/**
 * A key/value cache for incremental decoding: one {@link KVCacheLayer} per attention layer.
 *
 * Shapes: layer(i).keys (batch, kvHeads, length, d), layer(i).values (batch, kvHeads, length, v)
 *
 * Pass it to `MultiHeadAttention.forward(x, x, x, undefined, { cache, isCausal: true })`: each call
 * appends the new keys and values of layer `layerIndex` and attends over all cached positions, so
 * feeding a sequence chunk by chunk gives the outputs of one causal forward over the whole of it.
 *
 * @param options - `numLayers = 1`.
 * @throws {@link InvalidArgumentError} if `numLayers` is not an integer ≥ 1.
 * @see HF `transformers` `DynamicCache`; D2L §11.7 (the decoder's `state` of previous keys and values).
 * @example
 * ```ts
 * const attention = new MultiHeadAttention({ numHiddens: 8, numHeads: 2 }).eval();
 * const tokens = [randn([1, 1, 8]), randn([1, 1, 8]), randn([1, 1, 8])]; // (batch, 1, hiddens) each
 * const cache = attention.createCache();
 * for (const x of tokens) attention.forward(x, x, x, undefined, { cache, isCausal: true });
 * cache.length; // 3 = tokens.length
 * ```
 */
export class KVCache {
  /** Number of layer slots. */
  readonly numLayers: number;
  readonly #layers: KVCacheLayer[];

  constructor(options: KVCacheOptions = {}) {
    checkOptions('KVCache', options, { numLayers: 'number' }, { usage: 'new KVCache({ numLayers: 2 })' });
    this.numLayers = checkCount('KVCache', 'numLayers', options.numLayers ?? 1);
    this.#layers = Array.from({ length: this.numLayers }, () => new KVCacheLayer());
  }

  /**
   * The slot of layer `index`.
   * @throws {@link InvalidArgumentError} if `index` is not an integer in [0, numLayers).
   */
  layer(index: number): KVCacheLayer {
    const slot = Number.isInteger(index) ? this.#layers[index] : undefined;
    if (slot === undefined) {
      throw new InvalidArgumentError(
        `KVCache.layer: index must be an integer in [0, ${this.numLayers}); got ${index}.`,
      );
    }
    return slot;
  }

  /** Number of positions cached by layer 0 (all layers agree during decoding). */
  get length(): number {
    return this.#layers[0]!.length;
  }

  /** Empties every layer (for a new sequence). */
  reset(): void {
    for (const slot of this.#layers) slot.reset();
  }
}
