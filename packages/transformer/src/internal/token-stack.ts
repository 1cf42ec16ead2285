import { Embedding, type Module } from '@attnkit/layers';
import { PositionalEncoding } from '@attnkit/positional';
import { type Generator, InvalidArgumentError, mul, type Tensor } from '@attnkit/tensor';
import type { TransformerDecoderOptions } from '../transformer-decoder.js';
import { checkCount, checkHeads, checkProbability, type FloatDType } from './check.js';
import { ModuleList } from './module-list.js';

/** The options {@link TransformerEncoder} and {@link TransformerDecoder} share (documented there). */
export type TokenStackOptions = Pick<
  TransformerDecoderOptions,
  | 'vocabSize'
  | 'numHiddens'
  | 'ffnNumHiddens'
  | 'numHeads'
  | 'numBlks'
  | 'dropout'
  | 'maxLen'
  | 'dtype'
  | 'rng'
>;

/** Validated shared options; `rng` is `{}` or `{ rng }`, ready to spread into child options. */
export interface TokenStackConfig {
  vocabSize: number;
  numHiddens: number;
  numBlks: number;
  dropout: number;
  dtype: FloatDType;
  rng: { rng?: Generator };
}

/** The options every block of a token stack gets. */
export interface CommonBlockOptions {
  numHiddens: number;
  ffnNumHiddens: number;
  numHeads: number;
  dropout: number;
  dtype: FloatDType;
  rng?: Generator;
}

/** What {@link buildTokenStack} registers, with the validated options. */
export interface TokenStack<B extends Module> extends TokenInput {
  config: TokenStackConfig;
  blks: readonly B[];
}

/** The children a token stack registers before its blocks. */
export interface TokenInput {
  embedding: Embedding;
  posEncoding: PositionalEncoding;
}

/**
 * Validates the shared options in D2L's order (vocabSize, heads, numBlks ≥ `minBlks`, dropout).
 * @throws {@link InvalidArgumentError} naming the option.
 */
function checkTokenStack(op: string, options: TokenStackOptions, minBlks: number): TokenStackConfig {
  const vocabSize = checkCount(op, 'vocabSize', options.vocabSize, 1);
  checkHeads(op, options.numHiddens, options.numHeads);
  const numBlks = checkCount(op, 'numBlks', options.numBlks, minBlks);
  const dropout = checkProbability(op, 'dropout', options.dropout ?? 0);
  return {
    vocabSize,
    numHiddens: options.numHiddens,
    numBlks,
    dropout,
    dtype: options.dtype ?? 'float32',
    rng: options.rng === undefined ? {} : { rng: options.rng },
  };
}

/** Registers `embedding` and `pos_encoding` (sinusoidal, with dropout) on `owner`, in that order. */
function registerTokenInput(
  owner: Module,
  config: TokenStackConfig,
  maxLen: number | undefined,
  shared?: Embedding,
): TokenInput {
  const { vocabSize, numHiddens, dropout, dtype, rng } = config;
  const embedding = owner.registerModule(
    'embedding',
    shared ?? new Embedding({ numEmbeddings: vocabSize, embeddingDim: numHiddens, dtype, ...rng }),
  );
  const posEncoding = owner.registerModule(
    'pos_encoding',
    new PositionalEncoding({ numHiddens, dropout, ...(maxLen === undefined ? {} : { maxLen }), ...rng }),
  );
  return { embedding, posEncoding };
}

/** Registers `blks` on `owner` holding `count` blocks named `block0`, `block1`, … (as D2L). */
function registerBlocks<B extends Module>(
  owner: Module,
  count: number,
  make: (i: number) => B,
): readonly B[] {
  const blks = owner.registerModule('blks', new ModuleList<B>());
  for (let i = 0; i < count; i++) blks.push(`block${i}`, make(i));
  return blks.items;
}

/**
 * D2L's `pos_encoding(embedding(X) * sqrt(num_hiddens))` with the tokens at positions `offset`,
 * `offset + 1`, …; the scale matters because the encoding lies in [−1, 1].
 */
export function embedTokens(input: TokenInput, numHiddens: number, tokens: Tensor, offset = 0): Tensor {
  return input.posEncoding.forward(mul(input.embedding.forward(tokens), Math.sqrt(numHiddens)), { offset });
}

/**
 * Validates the shared options and registers, in this order, `embedding`, `pos_encoding` and
 * `blks.block0`, `blks.block1`, … on `owner`; `makeBlock(i, common)` builds block i.
 * @throws {@link InvalidArgumentError} naming the option (see {@link checkTokenStack}).
 */
export function buildTokenStack<B extends Module>(
  owner: Module,
  op: string,
  options: TokenStackOptions,
  minBlks: number,
  makeBlock: (i: number, common: CommonBlockOptions) => B,
  sharedEmbedding?: Embedding,
): TokenStack<B> {
  const config = checkTokenStack(op, options, minBlks);
  const { numHiddens, dropout, dtype, rng } = config;
  if (
    sharedEmbedding !== undefined &&
    (sharedEmbedding.weight.shape[0] !== config.vocabSize || sharedEmbedding.weight.shape[1] !== numHiddens)
  ) {
    throw new InvalidArgumentError(
      `${op}: embedding must be (${config.vocabSize}, ${numHiddens}) to share it; got (${sharedEmbedding.weight.shape.join(', ')}).`,
    );
  }
  const input = registerTokenInput(owner, config, options.maxLen, sharedEmbedding);
  const common = {
    numHiddens,
    ffnNumHiddens: options.ffnNumHiddens,
    numHeads: options.numHeads,
    dropout,
    dtype,
    ...rng,
  };
  const blks = registerBlocks(owner, config.numBlks, (i) => makeBlock(i, common));
  return { config, ...input, blks };
}
