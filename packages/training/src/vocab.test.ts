import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vocab, type VocabJSON } from './vocab.js';

const ids = (a: Int32Array): number[] => Array.from(a);

describe('Vocab', () => {
  it('reproduces D2L §9.2: the time machine alphabet encodes "the time m" as [21, 9, 6, 0, 21, 10, 14, 6, 0, 14]', () => {
    const vocab = Vocab.fromText('abcdefghijklmnopqrstuvwxyz the time machine');
    expect(vocab.size).toBe(28);
    expect(vocab.tokens.slice(0, 3)).toEqual([' ', '<unk>', 'a']);
    expect(ids(vocab.encode('the time m'))).toEqual([21, 9, 6, 0, 21, 10, 14, 6, 0, 14]);
    expect(vocab.decode([21, 9, 6])).toBe('the');
  });

  it('maps characters seen fewer than minFreq times, and unseen ones, to <unk>', () => {
    const vocab = Vocab.fromText('aaab', { minFreq: 2 });
    expect(vocab.tokens).toEqual(['<unk>', 'a']);
    expect(ids(vocab.encode('abz'))).toEqual([1, 0, 0]);
    expect(vocab.unk).toBe(0);
    expect(vocab.tokenToId('b')).toBe(0);
    expect(vocab.decode(vocab.encode('ab'))).toBe('a<unk>');
  });

  it('sorts reserved tokens in with the characters, by code point', () => {
    const vocab = Vocab.fromText('ba', { reserved: ['<pad>', '<eos>'] });
    expect(vocab.tokens).toEqual(['<eos>', '<pad>', '<unk>', 'a', 'b']);
    expect(vocab.decode(tensor([4, 0], { dtype: 'int32' }))).toBe('b<eos>');
  });

  it('orders characters beyond the BMP by code point, as Python does, and keeps each as one token', () => {
    const vocab = Vocab.fromText('😀ｚ'); // U+1F600 sorts after U+FF5A, though its UTF-16 code unit is smaller
    expect(vocab.tokens).toEqual(['<unk>', 'ｚ', '😀']);
    expect(ids(vocab.encode('😀'))).toEqual([2]);
  });

  it('survives a JSON round trip', () => {
    const vocab = Vocab.fromText('hello world', { reserved: ['<bos>'] });
    const copy = Vocab.fromJSON(JSON.parse(JSON.stringify(vocab)) as VocabJSON);
    expect(copy.tokens).toEqual(vocab.tokens);
    expect(ids(copy.encode('low'))).toEqual(ids(vocab.encode('low')));
  });

  it('decodes what it encodes for text over its own alphabet', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (text) => {
        const vocab = Vocab.fromText(text);
        expect(vocab.decode(vocab.encode(text))).toBe(text);
        expect(vocab.encode(text).length).toBe([...text].length);
      }),
    );
  });

  it('throws InvalidArgumentError for tokens that are not distinct strings containing <unk>', () => {
    expect(() => new Vocab(['a', 'b'])).toThrow("Vocab: tokens must contain '<unk>'.");
    expect(() => new Vocab(['<unk>', 'a', 'a'])).toThrow("Vocab: token 'a' appears twice.");
    expect(() => new Vocab(['<unk>', 1 as unknown as string])).toThrow(InvalidArgumentError);
    expect(() => new Vocab('abc' as unknown as string[])).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError from fromText for non-string text, a non-finite minFreq or bad reserved tokens', () => {
    expect(() => Vocab.fromText(42 as unknown as string)).toThrow(
      'Vocab.fromText: text must be a string; got 42.',
    );
    expect(() => Vocab.fromText('a', { minFreq: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => Vocab.fromText('a', { reserved: [1] as unknown as string[] })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError from fromJSON for another shape', () => {
    expect(() => Vocab.fromJSON({ kind: 'byte' } as unknown as VocabJSON)).toThrow(InvalidArgumentError);
    expect(() => Vocab.fromJSON(null as unknown as VocabJSON)).toThrow(
      "Vocab.fromJSON: json must be { kind: 'char', tokens: string[] }; got null.",
    );
  });

  it('throws InvalidArgumentError when decoding an id outside [0, size) or encoding a non-string', () => {
    const vocab = Vocab.fromText('ab');
    expect(() => vocab.decode([0, 3])).toThrow(
      'Vocab.decode: ids must be integers in [0, 3); got 3 at index 1.',
    );
    expect(() => vocab.decode([0.5])).toThrow(InvalidArgumentError);
    expect(() => vocab.encode(null as unknown as string)).toThrow(InvalidArgumentError);
  });
});
