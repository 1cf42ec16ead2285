import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteVocab } from './byte-vocab.js';

describe('ByteVocab', () => {
  it('encodes the UTF-8 bytes: "hé" is [104, 195, 169]', () => {
    const bytes = new ByteVocab();
    expect(bytes.size).toBe(256);
    expect(Array.from(bytes.encode('hé'))).toEqual([104, 195, 169]);
    expect(bytes.decode(tensor([104, 195, 169], { dtype: 'int32' }))).toBe('hé');
    expect(bytes.toJSON()).toEqual({ kind: 'byte' });
  });

  it('decodes a cut multi-byte character to U+FFFD instead of throwing', () => {
    expect(new ByteVocab().decode([104, 195])).toBe('h\uFFFD');
  });

  it('decodes what it encodes and gives ids in [0, 256)', () => {
    const bytes = new ByteVocab();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const encoded = bytes.encode(text);
        expect(encoded.every((b) => b >= 0 && b < 256)).toBe(true);
        expect(bytes.decode(encoded)).toBe(text);
      }),
    );
  });

  it('throws InvalidArgumentError for ids outside [0, 256) or a non-string text', () => {
    const bytes = new ByteVocab();
    expect(() => bytes.decode([256])).toThrow(
      'ByteVocab.decode: ids must be integers in [0, 256); got 256 at index 0.',
    );
    expect(() => bytes.decode([-1])).toThrow(InvalidArgumentError);
    expect(() => bytes.decode(5 as unknown as number[])).toThrow(InvalidArgumentError);
    expect(() => bytes.encode(undefined as unknown as string)).toThrow(InvalidArgumentError);
  });
});
