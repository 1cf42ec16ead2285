import { Generator, InvalidArgumentError, mul, sum, tensor } from '@attnkit/tensor';
import { checkParameterGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { RelativePositionEmbedding } from './relative-position-embedding.js';

/** A module whose weight row r is [r − k, 10·(r − k)], so each output shows its clipped offset. */
function labelled(k: number): RelativePositionEmbedding {
  const rel = new RelativePositionEmbedding({ maxRelativePosition: k, headDim: 2, dtype: 'float64' });
  rel.loadStateDict({ weight: Array.from({ length: 2 * k + 1 }, (_, r) => [r - k, 10 * (r - k)]) });
  return rel;
}

/** The first feature of each (i, j) entry: the clipped offset it embeds. */
const offsets = (t: ReturnType<RelativePositionEmbedding['forward']>) =>
  flat(t).filter((_, i) => i % 2 === 0);

describe('RelativePositionEmbedding', () => {
  it('has one (2k + 1, headDim) weight under state key weight', () => {
    const rel = new RelativePositionEmbedding({ maxRelativePosition: 3, headDim: 5 });
    expect(rel.weight.shape).toEqual([7, 5]);
    expect(Object.keys(rel.stateDict())).toEqual(['weight']);
  });

  it('initialises weight from Glorot uniform U(−a, a), a = √(6 / (2k + 1 + headDim))', () => {
    const rel = new RelativePositionEmbedding({
      maxRelativePosition: 50,
      headDim: 64,
      rng: new Generator(0),
    });
    const a = Math.sqrt(6 / (101 + 64));
    const w = flat(rel.weight);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(a);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(Math.abs(variance / ((a * a) / 3) - 1)).toBeLessThan(0.05); // U(−a, a) has variance a²/3
  });

  it('embeds clip(j − i, −k, k) for query i and key j (Shaw et al. eq. 5)', () => {
    // k = 2, 4 × 4: offsets j − i clipped to [−2, 2].
    expectClose(offsets(labelled(2).forward(4, 4)), [0, 1, 2, 2, -1, 0, 1, 2, -2, -1, 0, 1, -2, -2, -1, 0], {
      atol: 0,
      rtol: 0,
    });
  });

  it('aligns the last query with the last key by default (cached decoding)', () => {
    // One query at position 4 against 5 keys: offsets j − 4.
    expectClose(offsets(labelled(3).forward(1, 5)), [-3, -3, -2, -1, 0], { atol: 0, rtol: 0 });
    expectClose(offsets(labelled(3).forward(1, 5, { offset: 0 })), [0, 1, 2, 3, 3], { atol: 0, rtol: 0 });
  });

  it('returns the weight rows themselves (both features)', () => {
    const out = labelled(1).forward(2, 2);
    expect(out.shape).toEqual([2, 2, 2]);
    expectClose(flat(out), [0, 0, 1, 10, -1, -10, 0, 0], { atol: 0, rtol: 0 });
  });

  it('looks up row clip(j − offset − i, −k, k) + k for any sizes and offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: -6, max: 6 }),
        (k, q, n, offset) => {
          const got = offsets(labelled(k).forward(q, n, { offset }));
          const expected: number[] = [];
          for (let i = 0; i < q; i++) {
            for (let j = 0; j < n; j++) expected.push(Math.min(Math.max(j - offset - i, -k), k));
          }
          expectClose(got, expected, { atol: 0, rtol: 0 });
        },
      ),
    );
  });

  it('depends only on j − i: entry (i + 1, j + 1) equals entry (i, j)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 2, max: 6 }), (k, n) => {
        const rel = new RelativePositionEmbedding({
          maxRelativePosition: k,
          headDim: 3,
          rng: new Generator(k + n),
        });
        const a = flat(rel.forward(n, n));
        for (let i = 0; i + 1 < n; i++) {
          for (let j = 0; j + 1 < n; j++) {
            const at = (r: number, c: number) => a.slice((r * n + c) * 3, (r * n + c + 1) * 3);
            expectClose(at(i + 1, j + 1), at(i, j), { atol: 0, rtol: 0 });
          }
        }
      }),
    );
  });

  it('matches central differences for weight (shared offsets add up)', () => {
    const rel = new RelativePositionEmbedding({ maxRelativePosition: 1, headDim: 2, dtype: 'float64' });
    const R = tensor(
      Array.from({ length: 3 * 4 * 2 }, (_, i) => Math.cos(i)),
      { shape: [3, 4, 2], dtype: 'float64' },
    );
    checkParameterGradients(rel, () => sum(mul(rel.forward(3, 4, { offset: 0 }), R)), {
      atol: 1e-6,
      rtol: 0,
    });
  });

  it('throws InvalidArgumentError for invalid maxRelativePosition, headDim or dtype', () => {
    expect(() => new RelativePositionEmbedding({ maxRelativePosition: -1, headDim: 4 })).toThrow(
      /maxRelativePosition must be an integer ≥ 0; got -1/,
    );
    expect(() => new RelativePositionEmbedding({ maxRelativePosition: 2, headDim: 0 })).toThrow(
      /headDim must be an integer ≥ 1/,
    );
    const int32 = 'int32' as 'float32'; // not a parameter dtype
    expect(() => new RelativePositionEmbedding({ maxRelativePosition: 2, headDim: 2, dtype: int32 })).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws InvalidArgumentError for invalid sizes or a fractional offset', () => {
    const rel = new RelativePositionEmbedding({ maxRelativePosition: 2, headDim: 2 });
    expect(() => rel.forward(-1, 3)).toThrow(/numQueries must be an integer ≥ 0/);
    expect(() => rel.forward(2, 1.5)).toThrow(/numKeys must be an integer ≥ 0/);
    expect(() => rel.forward(2, 2, { offset: 0.5 })).toThrow(/offset must be an integer; got 0.5/);
  });
});
