import { InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import { describe } from './internal/check.js';
import { readIds } from './internal/ids.js';
import type { Tokenizer } from './vocab.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/**
 * The byte-level vocabulary: a token is one byte of the text's UTF-8 encoding, so there are
 * exactly 256 ids and no unknown tokens.
 *
 * Shapes: encode: text -> (UTF-8 bytes) int32; decode: ids (n) -> text
 *
 * @remarks Decoding replaces invalid UTF-8 (e.g. a sequence cut in the middle of a character, as
 *   a sampled model may produce) with U+FFFD rather than throwing.
 * @see Radford et al. 2019 (GPT-2, byte-level input); the UTF-8 standard (RFC 3629).
 * @example
 * ```ts
 * const bytes = new ByteVocab();
 * bytes.encode('hé'); // Int32Array [104, 195, 169]
 * bytes.decode([104, 195, 169]); // 'hé'
 * ```
 */
export class ByteVocab implements Tokenizer {
  /** Always 256. */
  readonly size = 256;

  /**
   * The UTF-8 bytes of `text`.
   * @throws {@link InvalidArgumentError} if `text` is not a string.
   */
  encode(text: string): Int32Array {
    if (typeof text !== 'string') {
      throw new InvalidArgumentError(`ByteVocab.encode: text must be a string; got ${describe(text)}.`);
    }
    return Int32Array.from(encoder.encode(text));
  }

  /**
   * The text whose UTF-8 bytes are `ids`.
   * @throws {@link InvalidArgumentError} if an id is not an integer in [0, 256).
   */
  decode(ids: ArrayLike<number> | Tensor): string {
    const values = readIds('ByteVocab.decode', ids, 256);
    return decoder.decode(Uint8Array.from(values as ArrayLike<number>));
  }

  /** `{ kind: 'byte' }`. */
  toJSON(): { readonly kind: 'byte' } {
    return { kind: 'byte' };
  }
}
