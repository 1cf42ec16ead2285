import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { oneHot } from './one-hot.js';
import { transpose } from './transpose.js';

describe('oneHot', () => {
  it('encodes like PyTorch', () => {
    // F.one_hot(tensor([[0, 2], [1, 1]]), 3)
    const out = oneHot(
      tensor(
        [
          [0, 2],
          [1, 1],
        ],
        { dtype: 'int32' },
      ),
      3,
    );
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual([
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      [
        [0, 1, 0],
        [0, 1, 0],
      ],
    ]);
    expect(oneHot(tensor(1, { dtype: 'int32' }), 2).toArray()).toEqual([0, 1]);
  });

  it('honours dtype and strided indices', () => {
    const out = oneHot(
      transpose(
        tensor(
          [
            [0, 2],
            [1, 1],
          ],
          { dtype: 'int32' },
        ),
      ),
      3,
      { dtype: 'float32' },
    );
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      [
        [0, 0, 1],
        [0, 1, 0],
      ],
    ]);
    expect(oneHot(tensor([1, 0], { dtype: 'int32' }), 2, { dtype: 'bool' }).toArray()).toEqual([
      [false, true],
      [true, false],
    ]);
  });

  it('has exactly one 1 per row, at the index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (c, raw) => {
        const ids = raw.map((r) => r % c);
        const rows = oneHot(tensor(ids, { shape: [ids.length], dtype: 'int32' }), c).toArray() as number[][];
        rows.forEach((row, i) => {
          row.forEach((v, j) => {
            expect(v).toBe(j === ids[i] ? 1 : 0);
          });
        });
      }),
    );
  });

  it('throws InvalidArgumentError naming an out-of-range index and its position', () => {
    expect(() => oneHot(tensor([0, 3], { dtype: 'int32' }), 3)).toThrow(
      /oneHot: indices values must lie in \[0, 3\).*got 3 at position \(1\)/,
    );
  });

  it('throws InvalidArgumentError for non-int32 indices or a bad numClasses', () => {
    expect(() => oneHot(tensor([0]), 2)).toThrow(/indices must have dtype int32; got float32/);
    expect(() => oneHot(tensor([0], { dtype: 'int32' }), -1)).toThrow(InvalidArgumentError);
    expect(() => oneHot(tensor([0], { dtype: 'int32' }), 1.5)).toThrow(
      /numClasses must be a non-negative integer/,
    );
  });
});
