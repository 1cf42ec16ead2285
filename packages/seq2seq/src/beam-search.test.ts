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
import {
  bahdanau,
  bahdanauLayout,
  prefixModel,
  recordSelections,
  type SharedLayout,
  transformer,
  transformerLayout,
} from '../test/models.js';
import { beamSearch } from './beam-search.js';
import type { DecodingModel } from './decoding-model.js';
import { greedySearch } from './greedy-search.js';

const [A, B, C, EOS] = [0, 1, 2, 3];
/** D2L §10.8 Fig. 10.8.1–2: greedy gives A B C <eos> (0.048), A C B <eos> is better (0.054). */
const d2lExample = (prefix: readonly number[]): number[] => {
  const table: Record<string, number[]> = {
    '': [0.5, 0.2, 0.2, 0.1],
    [`${A}`]: [0.1, 0.4, 0.3, 0.2],
    [`${A},${B}`]: [0.2, 0.2, 0.4, 0.2],
    [`${A},${B},${C}`]: [0.1, 0.2, 0.1, 0.6],
    [`${A},${C}`]: [0.1, 0.6, 0.2, 0.1],
    [`${A},${C},${B}`]: [0.1, 0.2, 0.1, 0.6],
  };
  return table[prefix.join(',')] ?? [0.25, 0.25, 0.25, 0.25];
};
/** Stopping at once (p 0.4) beats two tokens (0.6 · 0.6) unless long outputs are favoured by alpha. */
const shortOrLong = (prefix: readonly number[]): number[] => {
  if (prefix.length === 0) return [0.6, 0.0, 0.0, 0.4];
  if (prefix.length === 1) return [0.4, 0.0, 0.0, 0.6];
  return [0.0, 0.0, 0.0, 1.0];
};
const src1 = zeros([1, 3], { dtype: 'int32' });
const lens1 = tensor([3], { dtype: 'int32' });
const search = { bos: 9, eos: EOS, maxLen: 10 };

/** Source rows from integers, for property tests. */
function sources(seed: number, batch: number, srcLen: number) {
  return {
    src: tensor(
      Array.from({ length: batch * srcLen }, (_, i) => (i * 3 + seed) % 7),
      { shape: [batch, srcLen], dtype: 'int32' },
    ),
    lens: tensor(
      Array.from({ length: batch }, (_, b) => 1 + ((b * 2 + seed) % srcLen)),
      { dtype: 'int32' },
    ),
  };
}

describe('beamSearch', () => {
  it("finds D2L §10.8's better output A C B <eos> (p = 0.054) that greedy search misses", () => {
    const [hyps] = beamSearch(prefixModel(d2lExample), src1, lens1, { ...search, beamSize: 2, nBest: 2 });
    expect(hyps!.map((h) => h.tokens)).toEqual([
      [A, C, B],
      [A, B, C],
    ]);
    expectClose(hyps![0]!.logProb, Math.log(0.5 * 0.3 * 0.6 * 0.6), { atol: 1e-12 });
    expectClose(hyps![1]!.logProb, Math.log(0.5 * 0.4 * 0.4 * 0.6), { atol: 1e-12 });
    expect(hyps!.every((h) => h.finished)).toBe(true);
  });

  it('ranks by GNMT length-normalised score: alpha = 1 prefers the longer output', () => {
    const [plain] = beamSearch(prefixModel(shortOrLong), src1, lens1, { ...search, beamSize: 2, nBest: 2 });
    expect(plain!.map((h) => h.tokens)).toEqual([[], [A]]);
    const [normalised] = beamSearch(prefixModel(shortOrLong), src1, lens1, {
      ...search,
      beamSize: 2,
      nBest: 2,
      alpha: 1,
    });
    expect(normalised!.map((h) => h.tokens)).toEqual([[A], []]);
    expectClose(normalised![0]!.score, Math.log(0.36) / (7 / 6), { atol: 1e-12 });
    expectClose(normalised![1]!.score, Math.log(0.4) / 1, { atol: 1e-12 });
  });

  it('stops growing finished hypotheses and stops the search once no live beam can win', () => {
    const model = prefixModel(shortOrLong);
    beamSearch(model, src1, lens1, { ...search, maxLen: 50, beamSize: 2 });
    expect(model.calls).toBeLessThanOrEqual(3);
  });

  it('returns unfinished hypotheses cut at maxLen when nothing finished', () => {
    const [hyps] = beamSearch(
      prefixModel(() => [0.5, 0.5, 0, 0]),
      src1,
      lens1,
      { ...search, maxLen: 3, beamSize: 2, nBest: 2 },
    );
    expect(hyps!.every((h) => !h.finished && h.tokens.length === 3)).toBe(true);
  });

  it('equals greedy search with beamSize 1 (tokens, log-probabilities, finished), both models', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom('bahdanau', 'transformer'),
        (seed, batch, srcLen, maxLen, eos, kind) => {
          const model: DecodingModel<unknown> = (kind === 'bahdanau' ? bahdanau : transformer)(seed);
          const { src, lens } = sources(seed, batch, srcLen);
          const greedy = greedySearch(model, src, lens, { bos: 1, eos, maxLen });
          const beam = beamSearch(model, src, lens, { bos: 1, eos, maxLen, beamSize: 1 });
          beam.forEach(([h], b) => {
            expect(h!.tokens).toEqual(greedy[b]!.tokens);
            expect(h!.finished).toBe(greedy[b]!.finished);
            expectClose(h!.logProb, greedy[b]!.logProb, { atol: 1e-12 });
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('returns nBest hypotheses ranked by score whose log-probabilities the teacher-forced forward recomputes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1.5, noNaN: true }),
        (seed, batch, beamSize, maxLen, alpha) => {
          const model = bahdanau(seed, { tgtVocab: 5 });
          const { src, lens } = sources(seed, batch, 4);
          const eos = seed % 5;
          const nBest = 1 + (seed % beamSize);
          const results = beamSearch(model, src, lens, {
            bos: 1,
            eos,
            maxLen,
            beamSize,
            nBest,
            alpha,
            returnAttention: true,
          });
          results.forEach((hyps, b) => {
            expect(hyps.length).toBe(nBest);
            for (let i = 1; i < hyps.length; i++)
              expect(hyps[i - 1]!.score).toBeGreaterThanOrEqual(hyps[i]!.score);
            for (const h of hyps) {
              const outputs = h.finished ? [...h.tokens, eos] : h.tokens;
              expect(outputs.length).toBeLessThanOrEqual(maxLen);
              expect(h.tokens).not.toContain(eos);
              const decX = tensor([[1, ...outputs.slice(0, -1)]], { dtype: 'int32' });
              const [logits] = model.forward(narrow(src, 0, b, 1), decX, narrow(lens, 0, b, 1));
              const chosen = gather(
                logSoftmax(logits, -1),
                2,
                unsqueeze(tensor([outputs], { dtype: 'int32' }), 2),
              );
              expectClose(sum(chosen), h.logProb, { atol: 1e-9, rtol: 1e-9 });
              expectClose(h.score, h.logProb / ((5 + outputs.length) / 6) ** alpha, {
                atol: 1e-12,
                rtol: 1e-12,
              });
              // Attention: one row per generated token, summing to 1 over the valid source positions.
              expect(h.attention!.shape).toEqual([outputs.length, 1, 1, 4]);
              const valid = lens.toTypedArray()[b]!;
              for (const step of h.attention!.toArray() as number[][][][]) {
                const row = step[0]![0]!;
                expectClose(
                  row.slice(0, valid).reduce((s, v) => s + v, 0),
                  1,
                  { atol: 1e-6 },
                );
                expect(row.slice(valid).every((v) => v < 1e-6)).toBe(true);
              }
            }
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it("gives the hypotheses of per-row copies of each source's state while its beams share one (Bahdanau, Transformer; property)", () => {
    const cases = fc.record({
      seed: fc.nat({ max: 1000 }),
      batch: fc.integer({ min: 1, max: 4 }),
      beamSize: fc.integer({ min: 2, max: 5 }),
      maxLen: fc.integer({ min: 1, max: 8 }),
      useTransformer: fc.boolean(),
    });
    fc.assert(
      fc.property(cases, ({ seed, batch, beamSize, maxLen, useTransformer }) => {
        const { src, lens } = sources(seed, batch, 4);
        const options = {
          bos: 1,
          eos: seed % 5,
          maxLen,
          beamSize,
          nBest: 2,
          alpha: 0.6,
          returnAttention: true,
        };
        const run = <S>(model: DecodingModel<S>, layout: SharedLayout<S>) => {
          const expected = beamSearch(recordSelections(model, layout, true), src, lens, options);
          const shared = recordSelections(model, layout, false);
          return {
            expected,
            results: beamSearch(shared, src, lens, options),
            groups: shared.rowsPerSource,
          };
        };
        const { expected, results, groups } = useTransformer
          ? run(transformer(seed, { tgtVocab: 5 }), transformerLayout)
          : run(bahdanau(seed, { tgtVocab: 5 }), bahdanauLayout);
        // Every selection kept beamSize rows per source (nothing was copied per row).
        expect(groups.length).toBeGreaterThan(0);
        expect(groups.every((g) => g === beamSize)).toBe(true);
        results.forEach((hyps, b) => {
          hyps.forEach((h, i) => {
            const e = expected[b]![i]!;
            expect(h.tokens).toEqual(e.tokens);
            expect(h.finished).toBe(e.finished);
            expectClose(h.logProb, e.logProb, { atol: 1e-10, rtol: 1e-10 });
            expectClose(h.score, e.score, { atol: 1e-10, rtol: 1e-10 });
            expectClose(h.attention!, e.attention!, { atol: 1e-12, rtol: 1e-10 });
          });
        });
      }),
      { numRuns: 40 },
    );
  });

  it('throws InvalidArgumentError when nBest exceeds beamSize or beamSize is not a positive integer', () => {
    const model = prefixModel(d2lExample);
    expect(() => beamSearch(model, src1, lens1, { ...search, beamSize: 2, nBest: 3 })).toThrow(
      /nBest must be ≤ beamSize \(2\); got 3/,
    );
    expect(() => beamSearch(model, src1, lens1, { ...search, beamSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => beamSearch(model, src1, lens1, { ...search, beamSize: 2, topK: 1 } as never)).toThrow(
      /^beamSearch: unknown option 'topK' in options\./,
    );
    expect(() =>
      beamSearch(model, src1, lens1, { ...search, beamSize: 2, returnAttention: 1 } as never),
    ).toThrow(/^beamSearch: options\.returnAttention must be a boolean/);
  });

  it('throws ShapeError when src is not (batch, srcLen) int32', () => {
    expect(() =>
      beamSearch(prefixModel(d2lExample), zeros([1, 3]), lens1, { ...search, beamSize: 2 }),
    ).toThrow(ShapeError);
  });
});
