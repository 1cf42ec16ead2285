import { Generator } from '@attnkit/tensor';
import { TransformerLM } from '@attnkit/transformer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateWithin } from './generate.js';

function model(positional: 'rotary' | 'sinusoidal', maxLen: number): TransformerLM {
  return new TransformerLM({
    vocabSize: 11,
    numHiddens: 8,
    numHeads: 2,
    numBlks: 1,
    ffnNumHiddens: 16,
    maxLen,
    positional,
    rng: new Generator(5),
  });
}

describe('generateWithin', () => {
  describe('examples', () => {
    it('is one TransformerLM.generate call when prompt and continuation fit the context', () => {
      const lm = model('rotary', 16);
      const prompt = Int32Array.from([1, 2, 3]);
      const ours = generateWithin(lm, prompt, { maxNewTokens: 12, temperature: 1, rng: new Generator(9) });
      const direct = lm.generate(prompt, { maxNewTokens: 12, temperature: 1, rng: new Generator(9) });
      expect(Array.from(ours)).toEqual(Array.from(direct));
    });

    it('continues greedily from the last maxLen / 2 tokens once the window is full', () => {
      const lm = model('rotary', 8);
      const out = generateWithin(lm, Int32Array.from([4]), {
        maxNewTokens: 20,
        temperature: 0,
        rng: new Generator(0),
      });
      // After the first chunk (positions 1…7), each chunk starts from the previous 4 tokens and adds 4.
      const second = lm.generate(out.subarray(4, 8), { maxNewTokens: 4, temperature: 0 });
      expect(Array.from(out.subarray(8, 12))).toEqual(Array.from(second.subarray(4)));
    });
  });

  describe('properties', () => {
    it('keeps the prompt, appends exactly maxNewTokens ids in range, and repeats under a seed', () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 12 }),
          fc.integer({ min: 0, max: 30 }),
          fc.constantFrom('rotary' as const, 'sinusoidal' as const),
          fc.integer({ min: 2, max: 8 }),
          (ids, n, positional, maxLen) => {
            const lm = model(positional, maxLen);
            const prompt = Int32Array.from(ids);
            const a = generateWithin(lm, prompt, { maxNewTokens: n, temperature: 1, rng: new Generator(1) });
            const b = generateWithin(lm, prompt, { maxNewTokens: n, temperature: 1, rng: new Generator(1) });
            expect(a).toHaveLength(ids.length + n);
            expect(Array.from(a.subarray(0, ids.length))).toEqual(ids);
            expect(a.every((id) => id >= 0 && id < 11)).toBe(true);
            expect(Array.from(a)).toEqual(Array.from(b));
          },
        ),
        { numRuns: 25 },
      );
    });
  });
});
