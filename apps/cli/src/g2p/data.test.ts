import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { buildVocabs, encodeExamples, encodeWord, splitWords } from './data.js';

const words = Array.from({ length: 200 }, (_, i) => `w${i.toString(36)}x`);

describe('splitWords', () => {
  it('is deterministic under a seed, puts every word in exactly one part and changes with the seed', () => {
    const a = splitWords(words, { testFraction: 0.1, validWords: 10, seed: 3 });
    const b = splitWords([...words].reverse(), { testFraction: 0.1, validWords: 10, seed: 3 });
    expect(a).toEqual(b);
    expect(a.test.length).toBe(20);
    expect(a.valid.length).toBe(10);
    const all = [...a.train, ...a.valid, ...a.test];
    expect(new Set(all).size).toBe(words.length);
    expect(splitWords(words, { testFraction: 0.1, validWords: 10, seed: 4 }).test).not.toEqual(a.test);
  });

  it('throws CliError when a part would be empty', () => {
    expect(() => splitWords(['a', 'b'], { testFraction: 0.1, validWords: 0, seed: 0 })).toThrow(CliError);
  });
});

describe('buildVocabs and encodeExamples', () => {
  const entries = new Map([
    ['cat', [['K', 'AE', 'T']]],
    [
      'read',
      [
        ['R', 'IY', 'D'],
        ['R', 'EH', 'D'],
      ],
    ],
  ]);
  const vocabs = buildVocabs(['cat', 'read'], entries);

  it('reserves <unk>, <pad>, <bos>, <eos> as D2L and lists the symbols after them', () => {
    expect(vocabs.letters.tokens.slice(0, 4)).toEqual(['<unk>', '<pad>', '<bos>', '<eos>']);
    expect(vocabs.phonemes.tokens.slice(4)).toEqual(['AE', 'D', 'EH', 'IY', 'K', 'R', 'T']);
  });

  it('makes one example per pronunciation, each ending with <eos>', () => {
    const ex = encodeExamples(['cat', 'read'], entries, vocabs);
    expect(ex.length).toBe(3);
    const eos = vocabs.phonemes.tokenToId('<eos>');
    expect(Array.from(ex[2]!.tgt).map((i) => vocabs.phonemes.tokens[i])).toEqual(['R', 'EH', 'D', '<eos>']);
    expect(ex[0]!.tgt.at(-1)).toBe(eos);
  });

  it('throws CliError naming an unknown letter', () => {
    expect(() => encodeWord(vocabs.letters, 'cab')).toThrow(/character "b"/);
  });
});
