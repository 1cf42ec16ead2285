// Test-only helpers: small models for the decoding tests.
import { Generator, indexSelect, type Tensor, tensor, zeros } from '@attnkit/tensor';
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

/**
 * `model` with a record of the `rowsPerSource` of every state its `selectState` returns. With
 * `perRow`, each selected state is then copied out per decoder row (every row its own copy of
 * its source's encoder outputs, valid length and keys; every step attends row by row): beam
 * search as it ran before the beams of a source shared its state, the reference for sharing.
 */
export function recordSelections(
  model: DecodingModel<Seq2SeqAttentionDecoderState>,
  perRow: boolean,
): DecodingModel<Seq2SeqAttentionDecoderState> & { rowsPerSource: number[] } {
  const seen: number[] = [];
  return {
    rowsPerSource: seen,
    startDecoding: (src, lens) => model.startDecoding(src, lens),
    decodeStep: (tokens, state) => model.decodeStep(tokens, state),
    selectState(state, indices) {
      const selected = model.selectState(state, indices);
      const [enc, hidden, lens, keys, group] = selected;
      seen.push(group);
      if (!perRow) return selected;
      const rows = Int32Array.from({ length: hidden.shape[1]! }, (_, r) => Math.floor(r / group));
      const pick = (t: Tensor) => indexSelect(t, 0, tensor(rows, { dtype: 'int32' }));
      return [pick(enc), hidden, lens === undefined ? undefined : pick(lens), pick(keys), 1];
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
