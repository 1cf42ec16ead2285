import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ngramBaselines } from './baselines.js';

describe('ngramBaselines', () => {
  describe('examples', () => {
    it('gives the add-one smoothed unigram and bigram cross-entropies computed by hand', () => {
      // train 0 1 0 1: n(0) = n(1) = 2, N = 4; bigrams (0,1) × 2, (1,0) × 1; V = 2.
      const train = Int32Array.from([0, 1, 0, 1]);
      const val = Int32Array.from([0, 1, 1]);
      const { unigram, bigram, count } = ngramBaselines(train, val, 2);
      expect(count).toBe(2);
      // targets 1, 1: p(1) = (2 + 1) / (4 + 2) = 1/2.
      expect(unigram).toBeCloseTo(Math.log(2), 12);
      // p(1 | 0) = (2 + 1) / (2 + 2) = 3/4; p(1 | 1) = (0 + 1) / (1 + 2) = 1/3.
      expect(bigram).toBeCloseTo(-(Math.log(3 / 4) + Math.log(1 / 3)) / 2, 12);
    });

    it('scores only the targets of the given windows', () => {
      const train = Int32Array.from([0, 1, 0, 1]);
      const val = Int32Array.from([0, 1, 1]);
      // Window {start: 1, length: 1} predicts val[2] = 1 from val[1] = 1 only.
      const { bigram, count } = ngramBaselines(train, val, 2, [{ start: 1, length: 1 }]);
      expect(count).toBe(1);
      expect(bigram).toBeCloseTo(-Math.log(1 / 3), 12);
    });

    it('gives a bigram loss below the unigram loss on text with strong pairs', () => {
      const text = Int32Array.from({ length: 200 }, (_, i) => i % 4);
      const { unigram, bigram } = ngramBaselines(text, text, 4);
      expect(unigram).toBeCloseTo(Math.log(4), 2);
      expect(bigram).toBeLessThan(0.1);
    });
  });

  describe('properties', () => {
    it('averages over windows: splitting the targets into windows leaves the loss unchanged', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 30 }),
          fc.integer({ min: 1, max: 6 }),
          (trainIds, valIds, size) => {
            const train = Int32Array.from(trainIds);
            const val = Int32Array.from(valIds);
            const windows = [];
            for (let start = 0; start < val.length - 1; start += size) {
              windows.push({ start, length: Math.min(size, val.length - 1 - start) });
            }
            const whole = ngramBaselines(train, val, 6);
            const split = ngramBaselines(train, val, 6, windows);
            expect(split.count).toBe(val.length - 1);
            expect(Math.abs(split.unigram - whole.unigram)).toBeLessThan(1e-12);
            expect(Math.abs(split.bigram - whole.bigram)).toBeLessThan(1e-12);
          },
        ),
      );
    });

    it('lies in (0, log(N + V)] since every smoothed probability is at least 1 / (N + V)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 30 }),
          (trainIds, valIds) => {
            const { unigram, bigram } = ngramBaselines(Int32Array.from(trainIds), Int32Array.from(valIds), 6);
            const bound = Math.log(trainIds.length + 6) + 1e-12;
            expect(unigram).toBeGreaterThan(0);
            expect(unigram).toBeLessThanOrEqual(bound);
            expect(bigram).toBeLessThanOrEqual(bound);
          },
        ),
      );
    });
  });
});
