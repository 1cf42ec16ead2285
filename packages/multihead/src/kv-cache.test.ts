import { InvalidArgumentError, ShapeError, type Tensor, tensor, zeros } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { KVCache, KVCacheLayer } from './kv-cache.js';

/** (batch, heads, n, d) filled with `start`, `start + 1`, … row-major. */
function counting(shape: [number, number, number, number], start: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Array.from({ length: size }, (_, i) => start + i),
    { shape },
  );
}

describe('KVCache', () => {
  it('has one empty slot per layer', () => {
    const cache = new KVCache({ numLayers: 3 });
    expect(cache.numLayers).toBe(3);
    expect(cache.length).toBe(0);
    expect(cache.layer(2)).toBeInstanceOf(KVCacheLayer);
    expect(cache.layer(0)).not.toBe(cache.layer(1));
    expect(cache.layer(1).keys).toBeNull();
  });

  it('concatenates appended keys and values along the position axis', () => {
    const slot = new KVCache().layer(0);
    slot.append(counting([1, 2, 1, 2], 0), counting([1, 2, 1, 3], 100));
    const { keys, values } = slot.append(counting([1, 2, 2, 2], 10), counting([1, 2, 2, 3], 200));
    expect(slot.length).toBe(3);
    expect(keys.shape).toEqual([1, 2, 3, 2]);
    expect(values.shape).toEqual([1, 2, 3, 3]);
    // Head 0: the first step's row, then the second step's two rows of head 0.
    expect(keys.toArray()).toEqual([
      [
        [
          [0, 1],
          [10, 11],
          [12, 13],
        ],
        [
          [2, 3],
          [14, 15],
          [16, 17],
        ],
      ],
    ]);
    expect(slot.keys).toBe(keys);
    expect(slot.values).toBe(values);
  });

  it('counts the length of layer 0 and resets every layer', () => {
    const cache = new KVCache({ numLayers: 2 });
    cache.layer(0).append(zeros([1, 1, 4, 2]), zeros([1, 1, 4, 2]));
    cache.layer(1).append(zeros([1, 1, 4, 2]), zeros([1, 1, 4, 2]));
    expect(cache.length).toBe(4);
    cache.reset();
    expect(cache.length).toBe(0);
    expect(cache.layer(1).length).toBe(0);
    expect(cache.layer(1).values).toBeNull();
  });

  it('throws InvalidArgumentError for numLayers below 1 or a layer index out of range', () => {
    expect(() => new KVCache({ numLayers: 0 })).toThrow(InvalidArgumentError);
    const cache = new KVCache({ numLayers: 2 });
    expect(() => cache.layer(2)).toThrow(InvalidArgumentError);
    expect(() => cache.layer(-1)).toThrow(/index must be an integer in \[0, 2\); got -1/);
    expect(() => cache.layer(0.5)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when keys or values are not 4-D or disagree on batch, heads or positions', () => {
    const slot = new KVCacheLayer();
    expect(() => slot.append(zeros([1, 2, 3]), zeros([1, 2, 3, 4]))).toThrow(ShapeError);
    expect(() => slot.append(zeros([1, 2, 3, 4]), zeros([1, 2, 3]))).toThrow(ShapeError);
    expect(() => slot.append(zeros([1, 2, 3, 4]), zeros([1, 2, 2, 4]))).toThrow(
      /values must have shape \(1, 2, 3, v\) to match keys \(1, 2, 3, 4\); got \(1, 2, 2, 4\)/,
    );
  });

  it('throws ShapeError naming both shapes when an append does not extend the cached tensors', () => {
    const slot = new KVCacheLayer();
    slot.append(zeros([2, 2, 3, 4]), zeros([2, 2, 3, 4]));
    expect(() => slot.append(zeros([1, 2, 1, 4]), zeros([1, 2, 1, 4]))).toThrow(
      /keys must have shape \(2, 2, n, 4\) to extend the cached keys \(2, 2, 3, 4\); got \(1, 2, 1, 4\)/,
    );
    expect(() => slot.append(zeros([2, 2, 1, 4]), zeros([2, 2, 1, 5]))).toThrow(/cached values/);
    expect(slot.length).toBe(3);
  });
});
