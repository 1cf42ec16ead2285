import { Generator, type Tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchStream, makeBatch } from './batches.js';
import type { Example } from './data.js';

const ids = { pad: 1, bos: 2 };
const EOS = 3;

/** Examples with sources and targets of the given lengths (ids ≥ 4, each ending in `<eos>`). */
function examples(lengths: readonly (readonly [number, number])[]): Example[] {
  return lengths.map(([s, t], n) => ({
    src: Int32Array.from({ length: s + 1 }, (_, i) => (i === s ? EOS : 4 + ((n + i) % 9))),
    tgt: Int32Array.from({ length: t + 1 }, (_, i) => (i === t ? EOS : 4 + ((n * 3 + i) % 11))),
  }));
}

const rows = (t: Tensor): number[][] => t.toArray() as number[][];

const lengthPairs = fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 })), {
  minLength: 1,
  maxLength: 40,
});

describe('G2P batches', () => {
  it('makeBatch pads D2L-style: src + <eos>, <bos> + target shifted, labels = target + <eos>', () => {
    fc.assert(
      fc.property(lengthPairs, (lengths) => {
        const ex = examples(lengths);
        const b = makeBatch(ex, ids);
        const src = rows(b.src);
        const dec = rows(b.decInput);
        const labels = rows(b.labels);
        expect(Array.from(b.srcValidLens.toTypedArray(), Number)).toEqual(ex.map((e) => e.src.length));
        expect(b.tokens).toBe(ex.reduce((n, e) => n + e.tgt.length, 0));
        ex.forEach((e, i) => {
          const width = src[i]!.length;
          expect(src[i]).toEqual([...e.src, ...new Array(width - e.src.length).fill(ids.pad)]);
          const len = labels[i]!.length;
          expect(labels[i]).toEqual([...e.tgt, ...new Array(len - e.tgt.length).fill(ids.pad)]);
          // The decoder sees <bos> then the target up to (not including) its <eos>.
          expect(dec[i]).toEqual([
            ids.bos,
            ...e.tgt.subarray(0, e.tgt.length - 1),
            ...new Array(len - e.tgt.length).fill(ids.pad),
          ]);
        });
        // Padded to the longest row, no wider.
        expect(src[0]!.length).toBe(Math.max(...ex.map((e) => e.src.length)));
        expect(labels[0]!.length).toBe(Math.max(...ex.map((e) => e.tgt.length)));
      }),
      { numRuns: 60 },
    );
  });

  it('batchStream visits every example once per epoch, in batches of at most batchSize', () => {
    fc.assert(
      fc.property(lengthPairs, fc.integer({ min: 1, max: 8 }), fc.nat(1000), (lengths, batchSize, seed) => {
        const ex = examples(lengths);
        const stream = batchStream(ex, { batchSize, rng: new Generator(seed), ids });
        const key = (src: number[], tgt: number[]) =>
          `${src.filter((x) => x !== ids.pad)}|${tgt.filter((x) => x !== ids.pad)}`;
        const want = ex.map((e) => key([...e.src], [...e.tgt])).sort();
        for (let epoch = 1; epoch <= 2; epoch++) {
          const seen: string[] = [];
          while (seen.length < ex.length) {
            const b = stream.next();
            expect(stream.epoch()).toBe(epoch);
            const n = b.src.shape[0]!;
            expect(n).toBeLessThanOrEqual(batchSize);
            const src = rows(b.src);
            const labels = rows(b.labels);
            for (let i = 0; i < n; i++) seen.push(key(src[i]!, labels[i]!));
          }
          expect(seen.sort()).toEqual(want);
        }
      }),
      { numRuns: 40 },
    );
  });
});
