import { Generator } from '@attnkit/tensor';
import { Vocab } from '@attnkit/training';
import { CliError } from '../errors.js';

/** D2L's reserved tokens (`Vocab(..., reserved_tokens=['<pad>', '<bos>', '<eos>'])`); `<unk>` is id 0. */
export const RESERVED = ['<pad>', '<bos>', '<eos>'] as const;

/** A word-level split: no word is in two parts. */
export interface WordSplit {
  readonly train: readonly string[];
  readonly valid: readonly string[];
  readonly test: readonly string[];
}

/**
 * Splits the words (not the pronunciations) deterministically: the sorted words are shuffled
 * with a seeded generator, then the last `testFraction` are held out for testing and the
 * `validWords` before them for validation during training.
 *
 * @throws {@link CliError} if a part would be empty.
 */
export function splitWords(
  words: Iterable<string>,
  options: { testFraction: number; validWords: number; seed: number },
): WordSplit {
  const all = [...words].sort();
  const rng = new Generator(options.seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = rng.int(0, i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const nTest = Math.round(all.length * options.testFraction);
  const nValid = Math.min(options.validWords, all.length - nTest - 1);
  const nTrain = all.length - nTest - Math.max(0, nValid);
  if (nTest < 1 || nTrain < 1) {
    throw new CliError(
      `the split of ${all.length} words is empty: ${nTrain} training and ${nTest} test words (test fraction ${options.testFraction}); use more words or another --test-fraction.`,
    );
  }
  return {
    train: all.slice(0, nTrain),
    valid: all.slice(nTrain, nTrain + Math.max(0, nValid)),
    test: all.slice(nTrain + Math.max(0, nValid)),
  };
}

/** Letter and phoneme vocabularies, each `<unk>`, `<pad>`, `<bos>`, `<eos>` then the symbols sorted. */
export interface G2PVocabs {
  readonly letters: Vocab;
  readonly phonemes: Vocab;
}

/** Builds the vocabularies from the training words and their pronunciations. */
export function buildVocabs(
  words: readonly string[],
  entries: ReadonlyMap<string, readonly (readonly string[])[]>,
): G2PVocabs {
  const letters = new Set<string>();
  const phonemes = new Set<string>();
  for (const w of words) {
    for (const c of w) letters.add(c);
    for (const p of entries.get(w) ?? []) for (const ph of p) phonemes.add(ph);
  }
  const make = (symbols: Set<string>): Vocab => new Vocab(['<unk>', ...RESERVED, ...[...symbols].sort()]);
  return { letters: make(letters), phonemes: make(phonemes) };
}

/** One training pair as ids: source letters + `<eos>`, target phonemes + `<eos>` (D2L's seq2seq data). */
export interface Example {
  readonly src: Int32Array;
  readonly tgt: Int32Array;
}

/** The ids of `word`'s letters followed by `<eos>`; throws on a letter outside the vocabulary. */
export function encodeWord(vocab: Vocab, word: string): Int32Array {
  const eos = vocab.tokenToId('<eos>');
  const ids = new Int32Array(word.length + 1);
  [...word].forEach((c, i) => {
    const id = vocab.tokenToId(c);
    if (id === vocab.unk) {
      throw new CliError(
        `the word ${JSON.stringify(word)} has the character ${JSON.stringify(c)}, which the model does not know (its letters: ${vocab.tokens.slice(4).join('')}).`,
      );
    }
    ids[i] = id;
  });
  ids[word.length] = eos;
  return ids;
}

/** Every pronunciation of every word as an example (alternates are separate examples). */
export function encodeExamples(
  words: readonly string[],
  entries: ReadonlyMap<string, readonly (readonly string[])[]>,
  vocabs: G2PVocabs,
): Example[] {
  const eos = vocabs.phonemes.tokenToId('<eos>');
  const out: Example[] = [];
  for (const w of words) {
    const src = encodeWord(vocabs.letters, w);
    for (const p of entries.get(w) ?? []) {
      const tgt = new Int32Array(p.length + 1);
      p.forEach((ph, i) => {
        tgt[i] = vocabs.phonemes.tokenToId(ph);
      });
      tgt[p.length] = eos;
      out.push({ src, tgt });
    }
  }
  return out;
}
