import { beamSearch, greedySearch, type Hypothesis } from '@attnkit/seq2seq';
import { tensor } from '@attnkit/tensor';
import { CliError } from '../errors.js';
import { encodeWord, type G2PVocabs } from './data.js';
import type { G2PModel } from './model.js';

/** Options of {@link transcribe}. */
export interface TranscribeOptions {
  /** Beam size; 1 is greedy search. */
  beam: number;
  /** Pronunciations per word (≤ beam). */
  nBest: number;
  /** GNMT length-normalisation α (default 0.6 with a beam, as GNMT). */
  alpha?: number;
  /** Words per decoding batch (default 256). */
  batchWords?: number;
  /** Keep the cross-attention of every step. */
  returnAttention?: boolean;
  /** Called after each batch with the number of words done. */
  onProgress?: (done: number) => void;
}

/** The pronunciations of one word, best first. */
export interface Transcription {
  readonly word: string;
  readonly pronunciations: readonly { readonly phonemes: readonly string[]; readonly score: number }[];
  /** The best hypothesis (with its attention when asked for). */
  readonly best: Hypothesis;
}

/**
 * Transcribes words with beam (or greedy) search, in batches of similar length.
 *
 * @throws {@link CliError} if a word has an unknown letter, is empty, or is longer than the model's maximum length.
 */
export function transcribe(
  model: G2PModel,
  vocabs: G2PVocabs,
  words: readonly string[],
  options: TranscribeOptions,
): Transcription[] {
  const ids = {
    pad: vocabs.letters.tokenToId('<pad>'),
    bos: vocabs.phonemes.tokenToId('<bos>'),
    eos: vocabs.phonemes.tokenToId('<eos>'),
  };
  const encoded = words.map((w) => {
    if (w.length === 0) throw new CliError('cannot transcribe an empty word.');
    if (w.length + 1 > model.maxLen) {
      throw new CliError(
        `the word ${JSON.stringify(w)} has ${w.length} letters; the model takes at most ${model.maxLen - 1} (its maxLen ${model.maxLen} counts <eos>).`,
      );
    }
    return encodeWord(vocabs.letters, w);
  });
  const order = words.map((_, i) => i).sort((a, b) => encoded[a]!.length - encoded[b]!.length);
  const out: Transcription[] = new Array(words.length);
  const batchWords = options.batchWords ?? 256;
  model.module.eval();
  for (let start = 0; start < order.length; start += batchWords) {
    const idx = order.slice(start, start + batchWords);
    const len = encoded[idx.at(-1)!]!.length;
    const data = new Int32Array(idx.length * len).fill(ids.pad);
    idx.forEach((i, b) => {
      data.set(encoded[i]!, b * len);
    });
    const src = tensor(data, { shape: [idx.length, len], dtype: 'int32' });
    const lens = tensor(
      idx.map((i) => encoded[i]!.length),
      { dtype: 'int32' },
    );
    // Pronunciations are rarely much longer than the spelling; the model's maxLen caps it.
    const maxLen = Math.min(model.maxLen, 2 * len + 4);
    const search = { bos: ids.bos, eos: ids.eos, maxLen, returnAttention: options.returnAttention ?? false };
    const results: Hypothesis[][] =
      options.beam === 1
        ? greedySearch(model.decoding, src, lens, search).map((h) => [h])
        : beamSearch(model.decoding, src, lens, {
            ...search,
            beamSize: options.beam,
            nBest: options.nBest,
            alpha: options.alpha ?? 0.6,
          });
    idx.forEach((i, b) => {
      const hyps = results[b]!;
      out[i] = {
        word: words[i]!,
        pronunciations: hyps.map((h) => ({
          phonemes: h.tokens.map((t) => vocabs.phonemes.tokens[t]!),
          score: h.score,
        })),
        best: hyps[0]!,
      };
    });
    options.onProgress?.(Math.min(order.length, start + batchWords));
  }
  return out;
}
