import { MultiHeadAttention, type MultiHeadAttentionOptions } from '@attnkit/multihead';
import type { Generator } from '@attnkit/tensor';
import { AddNorm } from '../add-norm.js';
import { PositionWiseFFN, type PositionWiseFFNOptions } from '../position-wise-ffn.js';
import { checkCount, checkHeads, checkProbability, type FloatDType } from './check.js';

/** The options every Transformer block takes (documented on each block). */
export interface BlockPartsOptions {
  numHiddens: number;
  numHeads: number;
  ffnNumHiddens: number;
  dropout?: number;
  dtype?: FloatDType;
  rng?: Generator;
}

/** Validated block options; `rng` is `{}` or `{ rng }`, ready to spread into child options. */
export interface BlockParts {
  numHiddens: number;
  numHeads: number;
  ffnNumHiddens: number;
  dropout: number;
  dtype: FloatDType;
  rng: { rng?: Generator };
}

/**
 * Validates the shared block options in order: heads, `ffnNumHiddens`, `dropout`.
 * @throws {@link InvalidArgumentError} naming `op` and the option.
 */
export function checkBlockParts(op: string, options: BlockPartsOptions): BlockParts {
  const { numHiddens, numHeads } = options;
  checkHeads(op, numHiddens, numHeads);
  return {
    numHiddens,
    numHeads,
    ffnNumHiddens: checkCount(op, 'ffnNumHiddens', options.ffnNumHiddens, 1),
    dropout: checkProbability(op, 'dropout', options.dropout ?? 0),
    dtype: options.dtype ?? 'float32',
    rng: options.rng === undefined ? {} : { rng: options.rng },
  };
}

/** A multi-head attention whose queries, keys and values are all `numHiddens` wide; `extra` adds options. */
export function blockAttention(
  parts: BlockParts,
  extra: Partial<MultiHeadAttentionOptions> = {},
): MultiHeadAttention {
  const { numHiddens, numHeads, dropout, dtype, rng } = parts;
  return new MultiHeadAttention({
    numHiddens,
    numHeads,
    dropout,
    querySize: numHiddens,
    keySize: numHiddens,
    valueSize: numHiddens,
    ...extra,
    dtype,
    ...rng,
  });
}

/** The block's position-wise FFN, `numHiddens → ffnNumHiddens → numHiddens`; `extra` adds options. */
export function blockFFN(
  parts: BlockParts,
  extra: Pick<PositionWiseFFNOptions, 'activation'> = {},
): PositionWiseFFN {
  const { numHiddens, ffnNumHiddens, dtype, rng } = parts;
  return new PositionWiseFFN({
    ffnNumHiddens,
    ffnNumOutputs: numHiddens,
    ffnNumInputs: numHiddens,
    ...extra,
    dtype,
    ...rng,
  });
}

/** A residual connection with dropout and layer norm over `numHiddens`. */
export function blockAddNorm(parts: BlockParts): AddNorm {
  const { numHiddens, dropout, dtype, rng } = parts;
  return new AddNorm({ normShape: numHiddens, dropout, dtype, ...rng });
}
