import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Generator } from '@attnkit/tensor';
import { Vocab, type VocabJSON } from '@attnkit/training';
import { loadSafetensors, saveSafetensors } from '@attnkit/training/node';
import { TransformerLM, type TransformerLMConfig } from '@attnkit/transformer';
import { CliError } from './errors.js';

/** File names inside a checkpoint directory. */
export const WEIGHTS_FILE = 'model.safetensors';
export const CONFIG_FILE = 'config.json';

/** How a model was trained: enough to rebuild its data split (`heads --checkpoint`) and to reproduce it. */
export interface TrainingRecord {
  /** `'moby-dick'` or the absolute path of the text file. */
  readonly data: string;
  /** Fraction of the characters held out at the end for validation. */
  readonly valFraction: number;
  readonly context: number;
  readonly batch: number;
  readonly steps: number;
  /** Optimizer steps actually taken (fewer than `steps` after Ctrl-C). */
  readonly stepsDone: number;
  readonly lr: number;
  readonly seed: number;
}

/**
 * The checkpoint format version written by {@link saveCheckpoint}. Version 2 adds
 * `weightsSha256` and the model config in the weights' `__metadata__`; version 1 checkpoints
 * (no checksum) still load.
 */
export const CHECKPOINT_VERSION = 2;

/** The contents of `config.json`. */
export interface CheckpointConfig {
  readonly format: 'attnkit-lm';
  readonly version: 1 | 2;
  /** SHA-256 (hex) of `model.safetensors`, verified on load (version 2). */
  readonly weightsSha256?: string;
  /** `TransformerLM.config`: rebuilds the model with `TransformerLM.fromConfig`. */
  readonly model: TransformerLMConfig;
  /** The character vocabulary (`Vocab.toJSON()`). */
  readonly vocab: VocabJSON;
  readonly training: TrainingRecord;
  /** Validation loss and baselines (nats/char) when known. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** A loaded checkpoint. */
export interface Checkpoint {
  readonly model: TransformerLM;
  readonly vocab: Vocab;
  readonly config: CheckpointConfig;
}

/**
 * Writes `model.safetensors` (the state dict) and `config.json` (model config, vocabulary,
 * training record) into `dir`. Each file is replaced atomically, so an interrupted save leaves the
 * previous checkpoint readable.
 */
export async function saveCheckpoint(
  dir: string,
  model: TransformerLM,
  vocab: Vocab,
  training: TrainingRecord,
  metrics?: Readonly<Record<string, number>>,
): Promise<{ weights: string; config: string }> {
  const state = model.stateDict();
  // A diverged model is never saved over a good checkpoint.
  for (const [key, t] of Object.entries(state)) {
    const values = t.toTypedArray();
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw new CliError(
          `refusing to save a checkpoint with non-finite weights: ${key} holds ${values[i]} at flat index ${i}.`,
        );
      }
    }
  }
  await mkdir(dir, { recursive: true });
  const weights = join(dir, WEIGHTS_FILE);
  const config = join(dir, CONFIG_FILE);
  // The model config rides in the weights' metadata too, so an edited config.json (e.g. 2 → 4
  // heads, which changes no weight shape) no longer matches and is refused on load.
  const modelConfig = JSON.stringify(model.config);
  await saveSafetensors(weights, state, { format: 'pt', producer: 'attnkit', attnkitModel: modelConfig });
  const json: CheckpointConfig = {
    format: 'attnkit-lm',
    version: CHECKPOINT_VERSION,
    weightsSha256: await sha256File(weights),
    model: model.config,
    vocab: vocab.toJSON(),
    training,
    ...(metrics === undefined ? {} : { metrics }),
  };
  const temporary = `${config}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(json, null, 2)}\n`);
  await rename(temporary, config);
  return { weights, config };
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: rebuilds the model from `config.json`
 * and loads `model.safetensors` into it.
 *
 * @throws {@link CliError} if a file cannot be read or parsed, the config is invalid, or the
 *   weights do not match the model the config describes (missing, extra or mis-shaped tensors).
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const configPath = join(dir, CONFIG_FILE);
  const weightsPath = join(dir, WEIGHTS_FILE);
  let raw: string;
  try {
    raw = await readFile(configPath, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read checkpoint config ${configPath}: ${(err as Error).message}`);
  }
  let config: CheckpointConfig;
  try {
    config = JSON.parse(raw) as CheckpointConfig;
  } catch (err) {
    throw new CliError(`checkpoint config ${configPath} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || config.format !== 'attnkit-lm') {
    throw new CliError(
      `checkpoint config ${configPath} is not an attnkit-lm config (no "format": "attnkit-lm").`,
    );
  }
  if (config.version !== 1 && config.version !== CHECKPOINT_VERSION) {
    throw new CliError(
      `checkpoint config ${configPath} has format version ${JSON.stringify(config.version)}; this attnkit reads versions 1 and ${CHECKPOINT_VERSION} (upgrade attnkit for newer checkpoints).`,
    );
  }
  if (config.version >= 2) {
    if (typeof config.weightsSha256 !== 'string') {
      throw new CliError(`checkpoint config ${configPath} (version ${config.version}) has no weightsSha256.`);
    }
    let actual: string;
    try {
      actual = await sha256File(weightsPath);
    } catch (err) {
      throw new CliError(`cannot read checkpoint weights ${weightsPath}: ${(err as Error).message}`);
    }
    if (actual !== config.weightsSha256) {
      throw new CliError(
        `checkpoint weights ${weightsPath} do not match the SHA-256 in ${configPath} (expected ${config.weightsSha256}, got ${actual}): the file was changed or truncated.`,
      );
    }
  }
  let model: TransformerLM;
  let vocab: Vocab;
  try {
    model = TransformerLM.fromConfig(config.model, { rng: new Generator(0) });
    vocab = Vocab.fromJSON(config.vocab);
  } catch (err) {
    throw new CliError(`checkpoint config ${configPath} is invalid: ${(err as Error).message}`);
  }
  if (vocab.size !== model.config.vocabSize) {
    throw new CliError(
      `checkpoint config ${configPath} is inconsistent: the vocabulary has ${vocab.size} tokens but the model's vocabSize is ${model.config.vocabSize}.`,
    );
  }
  let tensors: Awaited<ReturnType<typeof loadSafetensors>>['tensors'];
  let metadata: Record<string, string>;
  try {
    // Non-finite weights are refused (loadSafetensors' default).
    ({ tensors, metadata } = await loadSafetensors(weightsPath));
  } catch (err) {
    throw new CliError(`cannot read checkpoint weights ${weightsPath}: ${(err as Error).message}`);
  }
  if (config.version >= 2 && metadata.attnkitModel !== JSON.stringify(model.config)) {
    throw new CliError(
      `checkpoint config ${configPath} does not describe the model its weights were saved from: config.json says ${JSON.stringify(model.config)}, the weights' metadata says ${metadata.attnkitModel ?? '(nothing)'}.`,
    );
  }
  try {
    model.loadStateDict(tensors);
  } catch (err) {
    throw new CliError(
      `checkpoint weights ${weightsPath} do not match the model config in ${configPath}: ${(err as Error).message}`,
    );
  }
  model.eval();
  return { model, vocab, config };
}

/** SHA-256 of a file, hex. */
async function sha256File(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
