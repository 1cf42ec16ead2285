import type { Generator } from '@attnkit/tensor';
import type { TransformerLM } from '@attnkit/transformer';

/** Options of {@link generateWithin}. */
export interface GenerateWithinOptions {
  /** Tokens to append. */
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly topK?: number;
  readonly rng: Generator;
}

/**
 * Continues `prompt` with `TransformerLM.generate` so that no token is predicted from more than
 * `maxLen` tokens of context — the longest the model was trained on. Rotary and ALiBi models would
 * otherwise keep attending over an ever longer cache, a length they never saw, and degrade after
 * about `maxLen` tokens. The text is produced in chunks: each call feeds the last `maxLen / 2`
 * tokens (or the whole prompt at first) and generates until the window is full, using the KV
 * cache within the chunk. The same `rng` runs through all chunks, so a seeded run is reproducible.
 *
 * Shapes: prompt (positions) -> (positions + maxNewTokens)
 */
export function generateWithin(
  model: TransformerLM,
  prompt: Int32Array,
  options: GenerateWithinOptions,
): Int32Array {
  const { maxLen } = model.config;
  const total = prompt.length + options.maxNewTokens;
  const out = new Int32Array(total);
  out.set(prompt);
  let length = prompt.length;
  const keep = Math.max(1, Math.floor(maxLen / 2));
  while (length < total) {
    // The first chunk keeps the prompt's last maxLen − 1 tokens; later ones the last maxLen / 2.
    const context = out.subarray(
      Math.max(0, length - (length === prompt.length ? maxLen - 1 : keep)),
      length,
    );
    const count = Math.min(total - length, Math.max(1, maxLen - context.length));
    const ids = model.generate(context, {
      maxNewTokens: count,
      temperature: options.temperature,
      ...(options.topK === undefined ? {} : { topK: options.topK }),
      rng: options.rng,
    });
    out.set(ids.subarray(context.length), length);
    length += count;
  }
  return out;
}
