import {
  arange,
  Generator,
  InvalidArgumentError,
  reshape,
  ShapeError,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadArray } from './load-array.js';

const column = (t: Tensor): number[] => Array.from(t.toTypedArray());

describe('loadArray', () => {
  it('yields ⌈n / batchSize⌉ batches in order without shuffling, the last one smaller', () => {
    const X = reshape(arange(0, 10, 1, { dtype: 'int32' }), [5, 2]);
    const y = arange(0, 5, 1, { dtype: 'int32' });
    const data = loadArray([X, y], 2, { shuffle: false });
    expect(data.numBatches).toBe(3);
    expect(data.numExamples).toBe(5);
    const batches = [...data];
    expect(batches.map(([xb]) => xb!.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(batches.map(([, yb]) => column(yb!))).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('keeps rows of every array aligned when shuffling', () => {
    const X = reshape(arange(0, 20, 1, { dtype: 'int32' }), [10, 2]);
    const y = arange(0, 10, 1, { dtype: 'int32' });
    for (const [xb, yb] of loadArray([X, y], 3, { rng: new Generator(1) })) {
      const xs = column(xb!);
      column(yb!).forEach((label, i) => {
        expect([xs[2 * i], xs[2 * i + 1]]).toEqual([2 * label, 2 * label + 1]);
      });
    }
  });

  it('draws the same order from the same seed and a fresh order every epoch', () => {
    const y = arange(0, 12, 1, { dtype: 'int32' });
    const order = (data: Iterable<Tensor[]>) => [...data].flatMap(([b]) => column(b!));
    const a = loadArray([y], 4, { rng: new Generator(7) });
    const b = loadArray([y], 4, { rng: new Generator(7) });
    const first = order(a);
    expect(order(b)).toEqual(first);
    expect(order(a)).not.toEqual(first);
    expect(first).not.toEqual(column(y));
  });

  it('yields every example exactly once per epoch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer(),
        (n, batchSize, seed) => {
          const y = arange(0, n, 1, { dtype: 'int32' });
          const seen = [...loadArray([y], batchSize, { rng: new Generator(seed) })].flatMap(([b]) =>
            column(b!),
          );
          expect(seen.sort((p, q) => p - q)).toEqual(column(y));
        },
      ),
    );
  });

  it('throws InvalidArgumentError for empty arrays, a non-Tensor or a batchSize below 1', () => {
    expect(() => loadArray([], 2)).toThrow(
      'loadArray: arrays must be a non-empty array of Tensors; got an array.',
    );
    expect(() => loadArray([[1, 2] as unknown as Tensor], 2)).toThrow(InvalidArgumentError);
    expect(() => loadArray([tensor([1, 2])], 0)).toThrow(
      'loadArray: batchSize must be an integer ≥ 1; got 0.',
    );
  });

  it('throws ShapeError when first extents differ or an array is 0-d', () => {
    expect(() => loadArray([tensor([1, 2, 3]), tensor([1, 2])], 2)).toThrow(
      'loadArray: arrays[1] must have shape (3, ...) like arrays[0] (3); got (2).',
    );
    expect(() => loadArray([tensor(1)], 1)).toThrow(ShapeError);
  });
});
