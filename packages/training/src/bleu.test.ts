import { describe, expect, it } from 'vitest';
import { bleu } from './bleu.js';

describe('bleu', () => {
  it("gives D2L's fra-eng scores (k = 2)", () => {
    // D2L §10.7.6: "he's calm . => il est mouillé ., bleu 0.658"
    expect(bleu(['il', 'est', 'mouillé', '.'], ['il', 'est', 'calme', '.'], 2)).toBeCloseTo(0.658, 3);
    expect(bleu(['va', '!'], ['va', '!'], 2)).toBeCloseTo(1, 12);
    // A prediction shorter than the label is penalised by exp(1 − len_label / len_pred).
    expect(bleu(['a', 'b'], ['a', 'b', 'c', 'd'], 1)).toBeCloseTo(Math.exp(-1), 12);
  });

  it('is 0 for an empty prediction or one shorter than k', () => {
    expect(bleu([], ['a'], 2)).toBe(0);
    expect(bleu(['a'], ['a'], 2)).toBe(0);
  });

  it('throws InvalidArgumentError when k is not an integer ≥ 1', () => {
    expect(() => bleu(['a'], ['a'], 0)).toThrow(/k must be an integer/);
  });
});
