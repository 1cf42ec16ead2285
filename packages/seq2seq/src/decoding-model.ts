import type { Tensor } from '@attnkit/tensor';

/**
 * A model that {@link greedySearch} and {@link beamSearch} can decode: an encoder–decoder that
 * encodes once and then produces one step of next-token logits at a time from a state `S`
 * (which holds the encoder outputs and any caches). Structural: any object with these three
 * methods fits, e.g. {@link EncoderDecoder} or a Transformer with KV caches.
 *
 * Shapes: src (batch, srcLen) int32, srcValidLens (batch) int32; tokens (batch) int32 -> logits
 * (batch, vocab), crossAttention (layers, batch, heads, srcLen)
 *
 * @remarks Decoding calls these under `noGrad`; put the model in `eval()` mode first so dropout is off.
 * @see D2L §10.7.6 "Prediction" (`predict_step`), §10.8 "Beam Search".
 */
export interface DecodingModel<S> {
  /** Encodes a batch: src (batch, srcLen) int32, srcValidLens (batch) int32 → initial decoder state. */
  startDecoding(src: Tensor, srcValidLens: Tensor): S;
  /**
   * One step: tokens (batch) int32 (the previous output token) → logits (batch, vocab) float32,
   * the next state, and the cross-attention weights of this step, (layers, batch, heads, srcLen)
   * (Bahdanau: layers = heads = 1).
   */
  decodeStep(tokens: Tensor, state: S): { logits: Tensor; state: S; crossAttention: Tensor };
  /** Rows of the state picked/reordered by batch index (beam search), indices (n) int32 → state of batch n. */
  selectState(state: S, indices: Tensor): S;
}

/** One decoded sequence of {@link greedySearch} or {@link beamSearch}. */
export interface Hypothesis {
  /** Output tokens, without `bos` and without the final `eos`. */
  readonly tokens: number[];
  /** Sum of the log-probabilities of every generated token, including `eos` when it was generated. */
  readonly logProb: number;
  /**
   * `logProb / lp` with GNMT's length penalty lp = ((5 + length) / 6)^alpha, length counting `eos`
   * when generated (equals `logProb` when `alpha = 0`). Hypotheses are ranked by it.
   */
  readonly score: number;
  /** Whether the sequence ended with `eos` (false: cut at `maxLen`). */
  readonly finished: boolean;
  /**
   * With `returnAttention`: the cross-attention weights of every generated token (`eos` included),
   * `(steps, layers, heads, srcLen)`; otherwise absent.
   */
  readonly attention?: Tensor;
}

/** Options shared by {@link greedySearch} and {@link beamSearch}. */
export interface SearchOptions {
  /** Token that starts every output (fed at step 0). */
  bos: number;
  /** Token that ends an output; a hypothesis that emits it stops growing. */
  eos: number;
  /** Maximum number of generated tokens per output, `eos` included (≥ 1). */
  maxLen: number;
  /** GNMT length-normalisation exponent α ≥ 0 (default 0: rank by the summed log-probability). */
  alpha?: number;
  /** Keep the cross-attention weights of every step in each {@link Hypothesis} (default false). */
  returnAttention?: boolean;
}
