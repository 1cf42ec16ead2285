import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Module } from '@attnkit/layers';
import {
  type DecodingModel,
  EncoderDecoder,
  Seq2SeqAttentionDecoder,
  Seq2SeqEncoder,
} from '@attnkit/seq2seq';
import { Generator, type Tensor } from '@attnkit/tensor';
import { Vocab, type VocabJSON } from '@attnkit/training';
import { loadSafetensors, saveSafetensors } from '@attnkit/training/node';
import { Transformer, type TransformerConfig } from '@attnkit/transformer';
import { CONFIG_FILE, WEIGHTS_FILE } from '../checkpoint.js';
import { CliError } from '../errors.js';
import type { G2PVocabs } from './data.js';

/** The two model kinds of `attnkit g2p`. */
export type G2PKind = 'transformer' | 'bahdanau';

/** Sizes of a Bahdanau (D2L §10.4) GRU encoder–decoder with additive attention. */
export interface BahdanauConfig {
  readonly srcVocabSize: number;
  readonly tgtVocabSize: number;
  readonly embedSize: number;
  readonly numHiddens: number;
  readonly numLayers: number;
  readonly dropout: number;
}

/** The model part of a G2P checkpoint's config. */
export type G2PModelConfig =
  | { readonly kind: 'transformer'; readonly transformer: TransformerConfig }
  | { readonly kind: 'bahdanau'; readonly bahdanau: BahdanauConfig };

/** A built G2P model: the module (parameters, train/eval), teacher-forced logits and the decoder. */
export interface G2PModel {
  readonly config: G2PModelConfig;
  readonly module: Module;
  /** Longest source (letters + `<eos>`) and target (phonemes + `<eos>`) the model takes. */
  readonly maxLen: number;
  /** Logits `(batch, tgtLen, phonemes)` of the teacher-forced decoder input. */
  logits(src: Tensor, decInput: Tensor, srcValidLens: Tensor): Tensor;
  readonly decoding: DecodingModel<unknown>;
}

/** Builds a model from its config (fresh weights from `seed`). */
export function buildModel(config: G2PModelConfig, seed: number, maxLen: number): G2PModel {
  const rng = new Generator(seed);
  if (config.kind === 'transformer') {
    const model = new Transformer({ ...config.transformer, rng });
    return {
      config,
      module: model,
      maxLen: Math.min(maxLen, config.transformer.maxLen),
      logits: (src, dec, lens) => model.forward(src, dec, lens),
      decoding: model as DecodingModel<unknown>,
    };
  }
  const c = config.bahdanau;
  const encoder = new Seq2SeqEncoder({
    vocabSize: c.srcVocabSize,
    embedSize: c.embedSize,
    numHiddens: c.numHiddens,
    numLayers: c.numLayers,
    dropout: c.dropout,
    rng,
  });
  const decoder = new Seq2SeqAttentionDecoder({
    vocabSize: c.tgtVocabSize,
    embedSize: c.embedSize,
    numHiddens: c.numHiddens,
    numLayers: c.numLayers,
    dropout: c.dropout,
    rng,
  });
  const model = new EncoderDecoder(encoder, decoder);
  return {
    config,
    module: model,
    maxLen,
    logits: (src, dec, lens) => model.forward(src, dec, lens)[0],
    decoding: model as DecodingModel<unknown>,
  };
}

/** How the data of a run was made: enough to rebuild the split for `eval`. */
export interface G2PDataRecord {
  /** `'cmudict'` (bundled) or the absolute path of the dictionary file. */
  readonly dict: string;
  readonly stress: boolean;
  readonly skipMalformed: boolean;
  readonly testFraction: number;
  readonly validWords: number;
  readonly splitSeed: number;
  readonly trainWords: number;
  readonly testWords: number;
}

/** The contents of a G2P run's `config.json`. */
export interface G2PCheckpointConfig {
  readonly format: 'attnkit-g2p';
  readonly version: 1;
  readonly model: G2PModelConfig;
  readonly maxLen: number;
  readonly letters: VocabJSON;
  readonly phonemes: VocabJSON;
  readonly data: G2PDataRecord;
  readonly training: Readonly<Record<string, unknown>>;
  readonly metrics?: Readonly<Record<string, unknown>>;
}

/** Writes `model.safetensors` and `config.json` (atomically) into `dir`. */
export async function saveG2PCheckpoint(
  dir: string,
  model: G2PModel,
  vocabs: G2PVocabs,
  rest: Pick<G2PCheckpointConfig, 'data' | 'training' | 'metrics'>,
): Promise<{ weights: string; config: string }> {
  await mkdir(dir, { recursive: true });
  const weights = join(dir, WEIGHTS_FILE);
  const config = join(dir, CONFIG_FILE);
  await saveSafetensors(weights, model.module.stateDict(), { format: 'pt', producer: 'attnkit' });
  const json: G2PCheckpointConfig = {
    format: 'attnkit-g2p',
    version: 1,
    model: model.config,
    maxLen: model.maxLen,
    letters: vocabs.letters.toJSON(),
    phonemes: vocabs.phonemes.toJSON(),
    ...rest,
  };
  const temporary = `${config}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(json, null, 2)}\n`);
  await rename(temporary, config);
  return { weights, config };
}

/** A loaded G2P checkpoint, in eval mode. */
export interface G2PCheckpoint {
  readonly model: G2PModel;
  readonly vocabs: G2PVocabs;
  readonly config: G2PCheckpointConfig;
}

/**
 * Loads a run directory written by `attnkit g2p train`.
 *
 * @param expectKind - When given, a checkpoint of the other model kind is an error.
 * @throws {@link CliError} if the files are missing, not a G2P checkpoint, of the other kind, or
 *   the weights do not fit the config.
 */
export async function loadG2PCheckpoint(dir: string, expectKind?: G2PKind): Promise<G2PCheckpoint> {
  const configPath = join(dir, CONFIG_FILE);
  let config: G2PCheckpointConfig;
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as G2PCheckpointConfig;
  } catch (err) {
    throw new CliError(`cannot read checkpoint config ${configPath}: ${(err as Error).message}`);
  }
  if (typeof config !== 'object' || config === null || config.format !== 'attnkit-g2p') {
    const found = (config as { format?: unknown } | null)?.format;
    throw new CliError(
      `${configPath} is not a G2P checkpoint (format ${JSON.stringify(found)}, expected "attnkit-g2p"${found === 'attnkit-lm' ? '; it is a language model from `attnkit train`' : ''}).`,
    );
  }
  const kind = config.model?.kind;
  if (kind !== 'transformer' && kind !== 'bahdanau') {
    throw new CliError(`${configPath}: unknown model kind ${JSON.stringify(kind)}.`);
  }
  if (expectKind !== undefined && kind !== expectKind) {
    throw new CliError(`${dir} holds a ${kind} model, not a ${expectKind} model (--model ${expectKind}).`);
  }
  let model: G2PModel;
  let vocabs: G2PVocabs;
  try {
    model = buildModel(config.model, 0, config.maxLen);
    vocabs = { letters: Vocab.fromJSON(config.letters), phonemes: Vocab.fromJSON(config.phonemes) };
  } catch (err) {
    throw new CliError(`checkpoint config ${configPath} is invalid: ${(err as Error).message}`);
  }
  const weightsPath = join(dir, WEIGHTS_FILE);
  let tensors: Awaited<ReturnType<typeof loadSafetensors>>['tensors'];
  try {
    ({ tensors } = await loadSafetensors(weightsPath));
  } catch (err) {
    throw new CliError(`cannot read checkpoint weights ${weightsPath}: ${(err as Error).message}`);
  }
  try {
    model.module.loadStateDict(tensors);
  } catch (err) {
    throw new CliError(
      `checkpoint weights ${weightsPath} do not match ${configPath}: ${(err as Error).message}`,
    );
  }
  model.module.eval();
  return { model, vocabs, config };
}
