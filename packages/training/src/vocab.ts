import { checkOptions, InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import { describe, isRecord } from './internal/check.js';
import { compareCodePoints } from './internal/compare-code-points.js';
import { readIds } from './internal/ids.js';

/** What {@link Vocab} and {@link ByteVocab} have in common: text ↔ int32 token ids. */
export interface Tokenizer {
  /** Number of distinct ids: every id lies in [0, size). */
  readonly size: number;
  /** The ids of `text`, one per token. */
  encode(text: string): Int32Array;
  /** The text of `ids`. */
  decode(ids: ArrayLike<number> | Tensor): string;
}

/** Options of {@link Vocab.fromText}. */
export interface VocabFromTextOptions {
  /** Characters seen fewer times are mapped to `<unk>`; default 0 (keep all). */
  minFreq?: number;
  /** Extra tokens that always get an id (e.g. `<pad>`, `<bos>`, `<eos>`). */
  reserved?: readonly string[];
}

/** The JSON form of a {@link Vocab}: its tokens in id order. */
export interface VocabJSON {
  readonly kind: 'char';
  readonly tokens: readonly string[];
}

/** The unknown token; every vocabulary has it. */
const UNK = '<unk>';

/**
 * A character-level vocabulary in D2L's layout: the tokens are `<unk>`, the reserved tokens and
 * every character seen at least `minFreq` times, sorted (by code point), and a token's id is its
 * position; characters outside the vocabulary encode as `<unk>`.
 *
 * Shapes: encode: text (n characters) -> (n) int32; decode: ids (n) -> text
 *
 * Characters are Unicode code points (`for…of` over the string), so an emoji is one token.
 *
 * @param tokens - Tokens in id order: distinct strings including `<unk>`; prefer {@link Vocab.fromText}.
 * @throws {@link InvalidArgumentError} if `tokens` is not an array of distinct strings containing `<unk>`.
 * @see D2L §9.2 "Converting Raw Text into Sequence Data" (`Vocab`).
 * @example
 * ```ts
 * const vocab = Vocab.fromText('the time machine');
 * vocab.encode('the'); // Int32Array [9, 5, 4] (' ' is 0, '<unk>' 1, 'a' 2, …)
 * vocab.decode(vocab.encode('time')); // 'time'
 * ```
 */
export class Vocab implements Tokenizer {
  /** Tokens in id order (PyTorch/D2L `idx_to_token`). */
  readonly tokens: readonly string[];
  readonly #index = new Map<string, number>();
  readonly #unk: number;

  constructor(tokens: readonly string[]) {
    const op = 'Vocab';
    if (!Array.isArray(tokens)) {
      throw new InvalidArgumentError(`${op}: tokens must be an array of strings; got ${describe(tokens)}.`);
    }
    tokens.forEach((t, i) => {
      if (typeof t !== 'string') {
        throw new InvalidArgumentError(`${op}: tokens[${i}] must be a string; got ${describe(t)}.`);
      }
      if (this.#index.has(t)) throw new InvalidArgumentError(`${op}: token ${describe(t)} appears twice.`);
      this.#index.set(t, i);
    });
    const unk = this.#index.get(UNK);
    if (unk === undefined) throw new InvalidArgumentError(`${op}: tokens must contain '${UNK}'.`);
    this.#unk = unk;
    this.tokens = Object.freeze(tokens.slice());
  }

  /**
   * Builds the vocabulary of `text`'s characters (D2L `Vocab(tokens, min_freq, reserved_tokens)`).
   *
   * @param text - The corpus.
   * @param options - `minFreq` (0) and `reserved` tokens.
   * @returns A vocabulary of `<unk>`, the reserved tokens and the characters with frequency ≥ `minFreq`, sorted.
   * @throws {@link InvalidArgumentError} if `text` is not a string, `minFreq` is not a finite number,
   *   or `reserved` is not an array of strings.
   */
  static fromText(text: string, options: VocabFromTextOptions = {}): Vocab {
    const op = 'Vocab.fromText';
    checkOptions(op, options, { minFreq: 'number', reserved: 'array' });
    if (typeof text !== 'string') {
      throw new InvalidArgumentError(`${op}: text must be a string; got ${describe(text)}.`);
    }
    const minFreq = options.minFreq ?? 0;
    if (typeof minFreq !== 'number' || !Number.isFinite(minFreq)) {
      throw new InvalidArgumentError(`${op}: minFreq must be a finite number; got ${String(minFreq)}.`);
    }
    const reserved = options.reserved ?? [];
    if (!Array.isArray(reserved) || !reserved.every((t) => typeof t === 'string')) {
      throw new InvalidArgumentError(
        `${op}: reserved must be an array of strings; got ${describe(reserved)}.`,
      );
    }
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const set = new Set<string>([UNK, ...reserved]);
    for (const [ch, n] of counts) if (n >= minFreq) set.add(ch);
    // D2L sorts with Python's sorted(), which compares code points.
    return new Vocab([...set].sort(compareCodePoints));
  }

  /**
   * Restores a vocabulary from {@link Vocab.toJSON}'s output.
   * @throws {@link InvalidArgumentError} if `json` is not `{ kind: 'char', tokens: string[] }` with
   *   distinct tokens containing `<unk>`.
   */
  static fromJSON(json: VocabJSON): Vocab {
    if (!isRecord(json) || json.kind !== 'char' || !Array.isArray(json.tokens)) {
      throw new InvalidArgumentError(
        `Vocab.fromJSON: json must be { kind: 'char', tokens: string[] }; got ${describe(json)}.`,
      );
    }
    return new Vocab(json.tokens);
  }

  /** Number of tokens (D2L `len(vocab)`). */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of `<unk>`. */
  get unk(): number {
    return this.#unk;
  }

  /** The id of one token, or of `<unk>` if it is not in the vocabulary (D2L `vocab[token]`). */
  tokenToId(token: string): number {
    return this.#index.get(token) ?? this.#unk;
  }

  /**
   * The ids of `text`'s characters; unknown ones give the `<unk>` id.
   * @throws {@link InvalidArgumentError} if `text` is not a string.
   */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') {
      throw new InvalidArgumentError(`Vocab.encode: text must be a string; got ${describe(text)}.`);
    }
    const out: number[] = [];
    for (const ch of text) out.push(this.#index.get(ch) ?? this.#unk);
    return Int32Array.from(out);
  }

  /**
   * The concatenated tokens of `ids` (reserved tokens and `<unk>` appear as their names).
   * @throws {@link InvalidArgumentError} if an id is not an integer in [0, size).
   */
  decode(ids: ArrayLike<number> | Tensor): string {
    const values = readIds('Vocab.decode', ids, this.size);
    let out = '';
    for (let i = 0; i < values.length; i++) out += this.tokens[values[i]!];
    return out;
  }

  /** `{ kind: 'char', tokens }`, for `JSON.stringify` and {@link Vocab.fromJSON}. */
  toJSON(): VocabJSON {
    return { kind: 'char', tokens: this.tokens.slice() };
  }
}
