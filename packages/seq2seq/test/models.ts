// Test-only helpers: small models for the decoding tests.
import { KVCacheLayer } from '@attnkit/multihead';
import { Generator, indexSelect, type Tensor, tensor, zeros } from '@attnkit/tensor';
import { Transformer, type TransformerDecodingState } from '@attnkit/transformer';
import {
  type DecodingModel,
  EncoderDecoder,
  Seq2SeqAttentionDecoder,
  type Seq2SeqAttentionDecoderState,
  Seq2SeqEncoder,
} from '../src/index.js';

/** A small float64 Bahdanau model with random weights (eval mode). */
export function bahdanau(
  seed: number,
  options: { srcVocab?: number; tgtVocab?: number; numLayers?: number } = {},
) {
  const rng = new Generator(seed);
  const sizes = {
    embedSize: 5,
    numHiddens: 6,
    numLayers: options.numLayers ?? 2,
    dtype: 'float64' as const,
    rng,
  };
  return new EncoderDecoder(
    new Seq2SeqEncoder({ vocabSize: options.srcVocab ?? 7, ...sizes }),
    new Seq2SeqAttentionDecoder({ vocabSize: options.tgtVocab ?? 6, ...sizes }),
  ).eval();
}

/** A small float64 encoder–decoder Transformer with random weights (eval mode), D2L §11.7. */
export function transformer(seed: number, options: { srcVocab?: number; tgtVocab?: number } = {}) {
  return new Transformer({
    srcVocabSize: options.srcVocab ?? 7,
    tgtVocabSize: options.tgtVocab ?? 6,
    numHiddens: 8,
    ffnNumHiddens: 12,
    numHeads: 2,
    numBlks: 2,
    dtype: 'float64',
    rng: new Generator(seed),
  }).eval();
}

/** The state layouts of the two models: rows per source, and the state copied out per decoder row. */
export interface SharedLayout<S> {
  rowsPerSource(state: S): number;
  /** Every decoder row its own copy of its source's encoder outputs, valid length and keys/values. */
  perRow(state: S): S;
}

/** The row of a source that each of the `rows` decoder rows reads, `group` rows per source. */
function sourceOfRows(rows: number, group: number): Tensor {
  return tensor(
    Int32Array.from({ length: rows }, (_, r) => Math.floor(r / group)),
    { dtype: 'int32' },
  );
}

export const bahdanauLayout: SharedLayout<Seq2SeqAttentionDecoderState> = {
  rowsPerSource: (state) => state[4],
  perRow([enc, hidden, lens, keys, group]) {
    const rows = sourceOfRows(hidden.shape[1]!, group);
    const pick = (t: Tensor) => indexSelect(t, 0, rows);
    return [pick(enc), hidden, lens === undefined ? undefined : pick(lens), pick(keys), 1];
  },
};

export const transformerLayout: SharedLayout<TransformerDecodingState> = {
  rowsPerSource: (state) => state.rowsPerSource,
  perRow(state) {
    const rows = sourceOfRows(state.encOutputs.shape[0]! * state.rowsPerSource, state.rowsPerSource);
    const pick = (t: Tensor) => indexSelect(t, 0, rows);
    const copy = (layer: KVCacheLayer) => {
      const out = new KVCacheLayer();
      out.append(pick(layer.keys!), pick(layer.values!));
      return out;
    };
    return {
      encOutputs: pick(state.encOutputs),
      encValidLens: pick(state.encValidLens),
      caches: state.caches.map(({ self, cross }) => ({ self, cross: copy(cross) })),
      rowsPerSource: 1,
    };
  },
};

/**
 * `model` with a record of the `rowsPerSource` of every state its `selectState` returns. With
 * `perRow`, each selected state is then copied out per decoder row and every step attends row by
 * row: beam search as it ran before the beams of a source shared its state (the reference).
 */
export function recordSelections<S>(
  model: DecodingModel<S>,
  layout: SharedLayout<S>,
  perRow: boolean,
): DecodingModel<S> & { rowsPerSource: number[] } {
  const seen: number[] = [];
  return {
    rowsPerSource: seen,
    startDecoding: (src, lens) => model.startDecoding(src, lens),
    decodeStep: (tokens, state) => model.decodeStep(tokens, state),
    selectState(state, indices) {
      const selected = model.selectState(state, indices);
      seen.push(layout.rowsPerSource(selected));
      return perRow ? layout.perRow(selected) : selected;
    },
  };
}

/**
 * A model whose next-token probabilities are a function of the tokens decoded so far (the
 * prefix, bos excluded): `probs(prefix)` gives one probability per token. Its state is the
 * prefix of every row; cross-attention is one-hot at position (prefix length mod srcLen).
 */
export function prefixModel(probs: (prefix: readonly number[]) => readonly number[]): DecodingModel<
  number[][]
> & {
  calls: number;
} {
  let srcLen = 1;
  const model = {
    calls: 0,
    startDecoding(src: Tensor): number[][] {
      srcLen = src.shape[1]!;
      return Array.from({ length: src.shape[0]! }, () => [-1]);
    },
    decodeStep(tokens: Tensor, state: number[][]) {
      model.calls++;
      const ids = Array.from(tokens.toTypedArray());
      const next = state.map((prefix, i) => (prefix[0] === -1 ? [] : [...prefix, ids[i]!]));
      const logits = next.map((prefix) => probs(prefix).map(Math.log));
      const attention = zeros([1, next.length, 1, srcLen]).toArray() as number[][][][];
      next.forEach((prefix, i) => {
        attention[0]![i]![0]![prefix.length % srcLen] = 1;
      });
      return { logits: tensor(logits, { dtype: 'float64' }), state: next, crossAttention: tensor(attention) };
    },
    selectState(state: number[][], indices: Tensor): number[][] {
      return Array.from(indices.toTypedArray(), (i) => state[i]!.slice());
    },
  };
  return model;
}
