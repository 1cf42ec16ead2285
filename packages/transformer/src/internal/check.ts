import { checkOptions, Generator, InvalidArgumentError, type OptionsSchema } from '@attnkit/tensor';

/** A floating dtype, the only ones parameters are stored in. */
export type FloatDType = 'float32' | 'float64';

/**
 * Checks a size or count: an integer ≥ `min` (0 by default).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkCount(op: string, argument: string, value: number, min = 0): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${argument} must be an integer ≥ ${min}; got ${value}.`);
  }
  return value;
}

/**
 * Checks a probability in [0, 1] (a dropout rate).
 * @throws {@link InvalidArgumentError} naming `op` and `argument` otherwise.
 */
export function checkProbability(op: string, argument: string, value: number): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidArgumentError(`${op}: ${argument} must be a number in [0, 1]; got ${value}.`);
  }
  return value;
}

/**
 * Checks that `numHiddens` splits evenly into `numHeads` heads.
 * @throws {@link InvalidArgumentError} naming both numbers otherwise.
 */
export function checkHeads(op: string, numHiddens: number, numHeads: number): void {
  checkCount(op, 'numHiddens', numHiddens, 1);
  checkCount(op, 'numHeads', numHeads, 1);
  if (numHiddens % numHeads !== 0) {
    throw new InvalidArgumentError(
      `${op}: numHiddens must be divisible by numHeads; got numHiddens ${numHiddens} and numHeads ${numHeads}.`,
    );
  }
}

/**
 * Checks a choice among `allowed` string values.
 * @throws {@link InvalidArgumentError} listing the allowed values otherwise.
 */
export function checkChoice<T extends string>(
  op: string,
  argument: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) {
    const list = allowed.map((a) => `'${a}'`).join(', ');
    throw new InvalidArgumentError(`${op}: ${argument} must be one of ${list}; got '${String(value)}'.`);
  }
  return value;
}

const RNG = { expected: 'a Generator', test: (v: unknown) => v instanceof Generator };

/** Declared keys of every public config and options object of the package. */
export const SCHEMAS = {
  AddNorm: { normShape: 'any', dropout: 'number', eps: 'number', dtype: 'string', rng: RNG },
  PositionWiseFFN: {
    ffnNumHiddens: 'number',
    ffnNumOutputs: 'number',
    activation: 'string',
    ffnNumInputs: 'number',
    dtype: 'string',
    rng: RNG,
  },
  TransformerEncoderBlock: {
    numHiddens: 'number',
    ffnNumHiddens: 'number',
    numHeads: 'number',
    dropout: 'number',
    useBias: 'boolean',
    norm: 'string',
    dtype: 'string',
    rng: RNG,
  },
  TransformerDecoderBlock: {
    numHiddens: 'number',
    ffnNumHiddens: 'number',
    numHeads: 'number',
    dropout: 'number',
    i: 'number',
    norm: 'string',
    dtype: 'string',
    rng: RNG,
  },
  TransformerEncoder: {
    vocabSize: 'number',
    numHiddens: 'number',
    ffnNumHiddens: 'number',
    numHeads: 'number',
    numBlks: 'number',
    dropout: 'number',
    useBias: 'boolean',
    maxLen: 'number',
    norm: 'string',
    embedding: 'any',
    dtype: 'string',
    rng: RNG,
  },
  TransformerDecoder: {
    vocabSize: 'number',
    numHiddens: 'number',
    ffnNumHiddens: 'number',
    numHeads: 'number',
    numBlks: 'number',
    dropout: 'number',
    maxLen: 'number',
    norm: 'string',
    tieWeights: 'boolean',
    dtype: 'string',
    rng: RNG,
  },
  Transformer: {
    srcVocabSize: 'number',
    tgtVocabSize: 'number',
    numHiddens: 'number',
    ffnNumHiddens: 'number',
    numHeads: 'number',
    numBlks: 'number',
    numDecoderBlks: 'number',
    dropout: 'number',
    maxLen: 'number',
    norm: 'string',
    tieWeights: 'boolean',
    shareEmbeddings: 'boolean',
    dtype: 'string',
    rng: RNG,
  },
  TransformerLMBlock: {
    numHiddens: 'number',
    numHeads: 'number',
    ffnNumHiddens: 'number',
    dropout: 'number',
    norm: 'string',
    positional: 'string',
    numKVHeads: 'number',
    activation: 'string',
    layerIndex: 'number',
    dtype: 'string',
    rng: RNG,
  },
  TransformerLM: {
    vocabSize: 'number',
    numHiddens: 'number',
    numHeads: 'number',
    numBlks: 'number',
    ffnNumHiddens: 'number',
    maxLen: 'number',
    dropout: 'number',
    positional: 'string',
    norm: 'string',
    tieWeights: 'boolean',
    numKVHeads: 'number',
    activation: 'string',
    dtype: 'string',
    rng: RNG,
  },
  generate: { maxNewTokens: 'number', temperature: 'number', topK: 'number', rng: RNG },
  lmForward: { cache: 'object', offset: 'number', needWeights: 'boolean' },
  blockForward: { cache: 'object', needWeights: 'boolean' },
  needWeights: { needWeights: 'boolean' },
} as const satisfies Record<string, OptionsSchema>;

/**
 * Checks a constructor config (required) against its schema.
 * @throws {@link InvalidArgumentError} for a missing config, an unknown key or a wrong type.
 */
export function checkConfig(op: keyof typeof SCHEMAS, options: object | undefined): void {
  checkOptions(op, options, SCHEMAS[op], { required: true });
}
