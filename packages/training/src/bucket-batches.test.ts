import { Generator } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketBatches } from './bucket-batches.js';

describe('bucketBatches', () => {
  it('sorts by length inside a pool without shuffling', () => {
    expect(bucketBatches([3, 9, 4, 8], { batchSize: 2, shuffle: false })).toEqual([
      [0, 2],
      [3, 1],
    ]);
  });

  it('uses every index once, keeps batches ≤ batchSize and is deterministic under a seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer(),
        (lengths, batchSize, poolSize, seed) => {
          const a = bucketBatches(lengths, { batchSize, poolSize, rng: new Generator(seed) });
          const b = bucketBatches(lengths, { batchSize, poolSize, rng: new Generator(seed) });
          expect(a).toEqual(b);
          expect(
            a
              .flat()
              .slice()
              .sort((x, y) => x - y),
          ).toEqual(lengths.map((_, i) => i));
          for (const batch of a) expect(batch.length).toBeLessThanOrEqual(batchSize);
        },
      ),
    );
  });

  it('wastes less padding than random batches', () => {
    const rng = new Generator(1);
    const lengths = Array.from({ length: 2000 }, () => rng.int(2, 30));
    const padding = (batches: number[][]): number =>
      batches.reduce(
        (s, b) =>
          s + b.length * Math.max(...b.map((i) => lengths[i]!)) - b.reduce((t, i) => t + lengths[i]!, 0),
        0,
      );
    const bucketed = bucketBatches(lengths, { batchSize: 32, rng: new Generator(2) });
    const random = bucketBatches(lengths, { batchSize: 32, poolSize: 32, rng: new Generator(2) });
    expect(padding(bucketed)).toBeLessThan(padding(random) / 3);
  });

  it('throws InvalidArgumentError for a negative length or a bad batchSize', () => {
    expect(() => bucketBatches([1, -1], { batchSize: 2 })).toThrow(/lengths\[1\]/);
    expect(() => bucketBatches([1], { batchSize: 0 })).toThrow(/batchSize/);
  });
});
