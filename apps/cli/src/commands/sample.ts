import { checkOptions, Generator } from '@attnkit/tensor';
import { loadCheckpoint } from '../checkpoint.js';
import { CliError } from '../errors.js';
import { generateWithin } from '../internal/generate.js';
import { type Io, writeLine } from '../io.js';

/** Options of {@link sample} (the `attnkit sample` flags). */
export interface SampleOptions {
  /** Directory holding `model.safetensors` and `config.json`. */
  checkpoint: string;
  /** Text to continue; every character must be in the checkpoint's vocabulary. */
  prompt: string;
  /** Characters to generate. */
  length: number;
  /** Softmax temperature; 0 is greedy decoding. */
  temperature: number;
  /** Sample among the k most likely characters only. */
  topK?: number;
  /** Seed of the sampler: the same seed gives the same text. */
  seed: number;
}

export const SAMPLE_DEFAULTS = { prompt: 'The ', length: 300, temperature: 0.8, seed: 0 } as const;

/**
 * `attnkit sample`: continues a prompt with a trained checkpoint, one character at a time with
 * the model's KV cache (`TransformerLM.generate`, in windows of the trained context length: see
 * {@link generateWithin}), and prints the prompt plus the continuation.
 *
 * @returns The generated text (prompt included).
 * @throws {@link CliError} if the checkpoint cannot be loaded or does not match its config, the
 *   prompt is empty or has characters outside the vocabulary, or an option is out of range.
 */
export async function sample(options: SampleOptions, io: Io): Promise<string> {
  checkOptions(
    'sample',
    options,
    {
      checkpoint: 'string',
      prompt: 'string',
      length: 'number',
      temperature: 'number',
      topK: 'number',
      seed: 'number',
    },
    { required: true },
  );
  if (!Number.isInteger(options.length) || options.length < 0) {
    throw new CliError(`--length must be an integer ≥ 0; got ${options.length}.`);
  }
  if (!(options.temperature >= 0) || !Number.isFinite(options.temperature)) {
    throw new CliError(`--temperature must be a number ≥ 0; got ${options.temperature}.`);
  }
  if (options.topK !== undefined && (!Number.isInteger(options.topK) || options.topK < 1)) {
    throw new CliError(`--top-k must be an integer ≥ 1; got ${options.topK}.`);
  }
  if (options.prompt.length === 0) throw new CliError('--prompt must have at least one character.');
  const { model, vocab } = await loadCheckpoint(options.checkpoint);
  const unknown = [...new Set(options.prompt)].filter((c) => !vocab.tokens.includes(c));
  if (unknown.length > 0) {
    throw new CliError(
      `--prompt has characters that are not in the checkpoint's vocabulary: ${unknown.map((c) => JSON.stringify(c)).join(', ')}.`,
    );
  }
  const ids = generateWithin(model, vocab.encode(options.prompt), {
    maxNewTokens: options.length,
    temperature: options.temperature,
    ...(options.topK === undefined ? {} : { topK: options.topK }),
    rng: new Generator(options.seed),
  });
  const text = vocab.decode(ids);
  writeLine(io.out, text);
  return text;
}
