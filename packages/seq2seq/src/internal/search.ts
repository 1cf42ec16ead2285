import {
  checkOptions,
  formatShape,
  InvalidArgumentError,
  logSoftmax,
  type OptionsSchema,
  ShapeError,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import type { SearchOptions } from '../decoding-model.js';
import { checkInteger } from './check.js';

/** Validated common options of greedy and beam search. */
export interface ResolvedSearch {
  bos: number;
  eos: number;
  maxLen: number;
  alpha: number;
  returnAttention: boolean;
}

const SEARCH_SCHEMA: OptionsSchema = {
  bos: 'number',
  eos: 'number',
  maxLen: 'number',
  alpha: 'number',
  returnAttention: 'boolean',
};

/** Checks `src`, `srcValidLens` and the shared options; returns the batch size and the options. */
export function resolveSearch(
  op: string,
  src: Tensor,
  srcValidLens: Tensor,
  options: SearchOptions,
  extraSchema: OptionsSchema,
): [number, ResolvedSearch] {
  if (src.ndim !== 2 || src.dtype !== 'int32') {
    throw new ShapeError(
      `${op}: src must have shape (batch, srcLen) and dtype int32; got ${formatShape(src.shape)} ${src.dtype}.`,
    );
  }
  const batch = src.shape[0]!;
  if (srcValidLens.ndim !== 1 || srcValidLens.shape[0] !== batch) {
    throw new ShapeError(
      `${op}: srcValidLens must have shape (${batch}) for src ${formatShape(src.shape)}; got ${formatShape(srcValidLens.shape)}.`,
    );
  }
  checkOptions(
    op,
    options,
    { ...SEARCH_SCHEMA, ...extraSchema },
    { required: true, usage: `${op}(model, src, srcValidLens, { bos: 1, eos: 2, maxLen: 20 })` },
  );
  const alpha = options.alpha ?? 0;
  if (!(alpha >= 0 && Number.isFinite(alpha))) {
    throw new InvalidArgumentError(`${op}: alpha must be a finite number ≥ 0; got ${String(alpha)}.`);
  }
  const returnAttention = options.returnAttention ?? false;
  return [
    batch,
    {
      bos: checkInteger(op, 'bos', options.bos, 0),
      eos: checkInteger(op, 'eos', options.eos, 0),
      maxLen: checkInteger(op, 'maxLen', options.maxLen, 1),
      alpha,
      returnAttention,
    },
  ];
}

/** GNMT's length penalty lp(len) = ((5 + len) / 6)^alpha (Wu et al. 2016, eq. 14). */
export function lengthPenalty(length: number, alpha: number): number {
  return alpha === 0 ? 1 : ((5 + length) / 6) ** alpha;
}

/** Log-probabilities of a step's logits `(rows, vocab)` as a flat array, with the vocabulary size. */
export function stepLogProbs(
  op: string,
  logits: Tensor,
  rows: number,
): [Float64Array | Float32Array, number] {
  if (logits.ndim !== 2 || logits.shape[0] !== rows) {
    throw new ShapeError(
      `${op}: decodeStep must return logits of shape (${rows}, vocab); got ${formatShape(logits.shape)}.`,
    );
  }
  const lp = logSoftmax(logits, -1).toTypedArray() as Float64Array | Float32Array;
  return [lp, logits.shape[1]!];
}

/** Throws if a log-probability is NaN (a model that produced NaN logits). */
export function checkFinite(op: string, value: number): void {
  if (Number.isNaN(value)) {
    throw new InvalidArgumentError(`${op}: the model returned NaN logits; decoding stopped.`);
  }
}

/**
 * Reads rows of a step's cross-attention `(layers, rows, heads, srcLen)`: row `r` as a flat
 * `(layers, heads, srcLen)` array (the tensor is read once).
 */
export function attentionRows(attention: Tensor): (row: number) => Float32Array {
  const [layers, rows, heads, srcLen] = attention.shape as [number, number, number, number];
  const data = attention.contiguous().toTypedArray();
  const block = heads * srcLen;
  return (row) => {
    const out = new Float32Array(layers * block);
    for (let l = 0; l < layers; l++) {
      const from = (l * rows + row) * block;
      for (let j = 0; j < block; j++) out[l * block + j] = data[from + j]!;
    }
    return out;
  };
}

/** Per-step rows stacked into `(steps, layers, heads, srcLen)`. */
export function stackAttention(steps: readonly Float32Array[], attention: Tensor): Tensor {
  const [layers, , heads, srcLen] = attention.shape as [number, number, number, number];
  const flat = new Float32Array(steps.length * layers * heads * srcLen);
  steps.forEach((s, i) => {
    flat.set(s, i * s.length);
  });
  return tensor(flat, { shape: [steps.length, layers, heads, srcLen] });
}

/** An int32 tensor `(n)` of token ids. */
export function tokensTensor(tokens: readonly number[]): Tensor {
  return tensor(Int32Array.from(tokens), { dtype: 'int32' });
}
