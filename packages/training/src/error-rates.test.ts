import { describe, expect, it } from 'vitest';
import { errorRates, scoreWord } from './error-rates.js';

const tomato = [
  ['T', 'AH', 'M', 'EY', 'T', 'OW'],
  ['T', 'AH', 'M', 'AA', 'T', 'OW'],
];

describe('errorRates', () => {
  it('counts a word as right when it equals any listed pronunciation', () => {
    const r = errorRates([['T', 'AH', 'M', 'AA', 'T', 'OW']], [tomato]);
    expect(r.wer).toBe(0);
    expect(r.per).toBe(0);
  });

  it('scores phoneme errors against the closest reference', () => {
    const r = errorRates(
      [
        ['T', 'AH', 'M', 'AA', 'T'],
        ['K', 'AE', 'T'],
      ],
      [tomato, [['K', 'AE', 'T']]],
    );
    expect(r.wer).toBeCloseTo(0.5, 12);
    expect(r.edits).toBe(1);
    expect(r.referenceTokens).toBe(9);
    expect(r.per).toBeCloseTo(1 / 9, 12);
    expect(scoreWord(['T', 'AH', 'M', 'AA', 'T'], tomato).closest).toBe(1);
  });

  it('throws InvalidArgumentError for mismatched lists, a word without references, or no words', () => {
    expect(() => errorRates([['A']], [])).toThrow(/one entry per prediction/);
    expect(() => errorRates([['A']], [[]])).toThrow(/at least one reference/);
    expect(() => errorRates([], [])).toThrow(/no words/);
  });
});
