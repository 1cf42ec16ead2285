import {
  checkOptions,
  createView,
  defaultGenerator,
  fromNdarray,
  type Generator,
  InvalidArgumentError,
  type Tensor,
} from '@attnkit/tensor';
import { checkInteger, describe } from './internal/check.js';
import { RNG } from './internal/options.js';

/** Options of {@link randomWindows}. */
export interface RandomWindowsOptions {
  /** Tokens per window (the model's context), an integer ≥ 1. */
  contextLength: number;
  /** Windows per batch, an integer ≥ 1. */
  batchSize: number;
  /** Generator for the window starts; default the global {@link defaultGenerator}. */
  rng?: Generator;
}

/** A batch of next-token prediction examples. */
export interface WindowBatch {
  /** Token ids `(batch, context)`, int32. */
  readonly inputs: Tensor;
  /** The same windows shifted one token right: `targets[b][i] = inputs[b][i + 1]`, `(batch, context)`, int32. */
  readonly targets: Tensor;
}

/**
 * A batcher for language modelling: each call draws `batchSize` windows at uniform random
 * starts in `tokens` and returns them with their next-token targets (nanoGPT's `get_batch`).
 *
 * Shapes: tokens (n) -> each call { inputs (batch, context), targets (batch, context) }
 *
 * @param tokens - The encoded corpus; it must hold at least `contextLength + 1` tokens.
 * @param options - `contextLength`, `batchSize`, `rng`.
 * @returns A function to call once per step (it fits {@link fit}'s `data`).
 * @throws {@link InvalidArgumentError} if `tokens` is not an Int32Array, `contextLength` or
 *   `batchSize` is not an integer ≥ 1, or `tokens` is shorter than `contextLength + 1`.
 * @remarks Starts are drawn with `rng.int(0, n − contextLength)`, so every window and its
 *   shifted target lie inside `tokens`; windows may overlap and repeat (sampling with replacement).
 * @see D2L §9.3 "Language Models" (random sampling of subsequences); Karpathy, nanoGPT `get_batch`.
 * @example
 * ```ts
 * const vocab = new ByteVocab();
 * const text = 'the quick brown fox jumps over the lazy dog. '.repeat(4);
 * const next = randomWindows(vocab.encode(text), { contextLength: 32, batchSize: 16, rng: new Generator(0) });
 * const { inputs, targets } = next(); // both (16, 32)
 * ```
 */
export function randomWindows(tokens: Int32Array, options: RandomWindowsOptions): () => WindowBatch {
  const op = 'randomWindows';
  checkOptions(op, options, { contextLength: 'number', batchSize: 'number', rng: RNG }, { required: true });
  if (!(tokens instanceof Int32Array)) {
    throw new InvalidArgumentError(`${op}: tokens must be an Int32Array; got ${describe(tokens)}.`);
  }
  const context = checkInteger(op, 'contextLength', options?.contextLength, 1);
  const batch = checkInteger(op, 'batchSize', options.batchSize, 1);
  if (tokens.length < context + 1) {
    throw new InvalidArgumentError(
      `${op}: tokens must hold at least contextLength + 1 = ${context + 1} tokens; got ${tokens.length}.`,
    );
  }
  const rng = options.rng;
  return () => {
    const gen = rng ?? defaultGenerator();
    const inputs = new Int32Array(batch * context);
    const targets = new Int32Array(batch * context);
    for (let b = 0; b < batch; b++) {
      const start = gen.int(0, tokens.length - context);
      inputs.set(tokens.subarray(start, start + context), b * context);
      targets.set(tokens.subarray(start + 1, start + context + 1), b * context);
    }
    return {
      inputs: fromNdarray(createView(inputs, [batch, context])),
      targets: fromNdarray(createView(targets, [batch, context])),
    };
  };
}
