import {
  gather,
  InvalidArgumentError,
  logSoftmax,
  narrow,
  ShapeError,
  sum,
  tensor,
  unsqueeze,
  zeros,
} from '@attnkit/tensor';
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bahdanau, prefixModel } from '../test/models.js';
import { greedySearch } from './greedy-search.js';

const [A, B, C, EOS] = [0, 1, 2, 3];
/** D2L §10.8 Fig. 10.8.1–2: greedy gives A B C <eos> (0.048), A C B <eos> is better (0.054). */
const d2lExample = (prefix: readonly number[]): number[] => {
  const key = prefix.join(',');
  const table: Record<string, number[]> = {
    '': [0.5, 0.2, 0.2, 0.1],
    [`${A}`]: [0.1, 0.4, 0.3, 0.2],
    [`${A},${B}`]: [0.2, 0.2, 0.4, 0.2],
    [`${A},${B},${C}`]: [0.1, 0.2, 0.1, 0.6],
    [`${A},${C}`]: [0.1, 0.6, 0.2, 0.1],
    [`${A},${C},${B}`]: [0.1, 0.2, 0.1, 0.6],
  };
  return table[key] ?? [0.25, 0.25, 0.25, 0.25];
};
const src1 = zeros([1, 3], { dtype: 'int32' });
const lens1 = tensor([3], { dtype: 'int32' });

describe('greedySearch', () => {
  it("takes the most probable token at every step (D2L §10.8's example: A B C <eos>, p = 0.048)", () => {
    const [h] = greedySearch(prefixModel(d2lExample), src1, lens1, { bos: 9, eos: EOS, maxLen: 10 });
    expect(h!.tokens).toEqual([A, B, C]);
    expect(h!.finished).toBe(true);
    expectClose(h!.logProb, Math.log(0.5 * 0.4 * 0.4 * 0.6), { atol: 1e-12 });
    expectClose(h!.score, h!.logProb, { atol: 0 });
  });

  it('cuts at maxLen and marks the hypothesis unfinished; alpha rescales the score by GNMT lp', () => {
    const [h] = greedySearch(prefixModel(d2lExample), src1, lens1, {
      bos: 9,
      eos: EOS,
      maxLen: 2,
      alpha: 0.6,
    });
    expect(h!.tokens).toEqual([A, B]);
    expect(h!.finished).toBe(false);
    expectClose(h!.logProb, Math.log(0.5 * 0.4), { atol: 1e-12 });
    expectClose(h!.score, Math.log(0.5 * 0.4) / ((5 + 2) / 6) ** 0.6, { atol: 1e-12 });
  });

  it('returns the cross-attention of every generated step, eos included', () => {
    const [h] = greedySearch(prefixModel(d2lExample), src1, lens1, {
      bos: 9,
      eos: EOS,
      maxLen: 10,
      returnAttention: true,
    });
    // The prefix model attends to position (prefix length mod 3) at each of the 4 steps.
    expectClose(h!.attention!, [[[[1, 0, 0]]], [[[0, 1, 0]]], [[[0, 0, 1]]], [[[1, 0, 0]]]], { atol: 0 });
  });

  it('gives the log-probabilities of the teacher-forced forward over its own output (step-by-step decoding = full recomputation)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 5 }),
        (seed, batch, srcLen, maxLen, eos) => {
          const model = bahdanau(seed);
          const src = tensor(
            Array.from({ length: batch * srcLen }, (_, i) => (i * 5 + seed) % 7),
            { shape: [batch, srcLen], dtype: 'int32' },
          );
          const lens = tensor(
            Array.from({ length: batch }, (_, b) => 1 + ((b + seed) % srcLen)),
            { dtype: 'int32' },
          );
          const hyps = greedySearch(model, src, lens, { bos: 1, eos, maxLen });
          hyps.forEach((h, b) => {
            const outputs = h.finished ? [...h.tokens, eos] : h.tokens;
            expect(outputs.length).toBeLessThanOrEqual(maxLen);
            const decX = tensor([[1, ...outputs.slice(0, -1)]], { dtype: 'int32' });
            const [logits] = model.forward(narrow(src, 0, b, 1), decX, narrow(lens, 0, b, 1));
            const chosen = gather(
              logSoftmax(logits, -1),
              2,
              unsqueeze(tensor([outputs], { dtype: 'int32' }), 2),
            );
            expectClose(sum(chosen), h.logProb, { atol: 1e-9, rtol: 1e-9 });
            // Every step's choice is the argmax of the recomputed distribution.
            const best = (logits.toArray() as number[][][])[0]!.map((row) => row.indexOf(Math.max(...row)));
            expect(best).toEqual(outputs);
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('decodes every row of a batch as it decodes that row alone', () => {
    const model = bahdanau(3);
    const src = tensor(
      [
        [1, 2, 3, 4],
        [4, 3, 0, 0],
        [6, 6, 6, 1],
      ],
      { dtype: 'int32' },
    );
    const lens = tensor([4, 2, 3], { dtype: 'int32' });
    const all = greedySearch(model, src, lens, { bos: 1, eos: 2, maxLen: 6 });
    all.forEach((h, b) => {
      const [alone] = greedySearch(model, narrow(src, 0, b, 1), narrow(lens, 0, b, 1), {
        bos: 1,
        eos: 2,
        maxLen: 6,
      });
      expect(h.tokens).toEqual(alone!.tokens);
      expectClose(h.logProb, alone!.logProb, { atol: 1e-12 });
    });
  });

  it('throws ShapeError when src or srcValidLens has the wrong shape', () => {
    const model = prefixModel(d2lExample);
    expect(() =>
      greedySearch(model, zeros([3], { dtype: 'int32' }), lens1, { bos: 0, eos: 1, maxLen: 2 }),
    ).toThrow(ShapeError);
    expect(() =>
      greedySearch(model, src1, tensor([1, 2], { dtype: 'int32' }), { bos: 0, eos: 1, maxLen: 2 }),
    ).toThrow(/srcValidLens must have shape \(1\)/);
  });

  it('throws InvalidArgumentError for unknown or out-of-range options and NaN logits', () => {
    const model = prefixModel(d2lExample);
    expect(() => greedySearch(model, src1, lens1, { bos: 0, eos: 1, maxLen: 0 })).toThrow(
      /maxLen must be an integer ≥ 1/,
    );
    expect(() => greedySearch(model, src1, lens1, { bos: 0, eos: 1, maxLen: 2, beam: 3 } as never)).toThrow(
      /^greedySearch: unknown option 'beam' in options\./,
    );
    expect(() => greedySearch(model, src1, lens1, { bos: 0, eos: 1, maxLen: 2, alpha: -1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      greedySearch(
        prefixModel(() => [Number.NaN, 0.5]),
        src1,
        lens1,
        { bos: 0, eos: 1, maxLen: 2 },
      ),
    ).toThrow(/NaN logits/);
  });
});
