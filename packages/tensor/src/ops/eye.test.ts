import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { eye } from './eye.js';

describe('eye', () => {
  it('puts ones on the main diagonal like PyTorch', () => {
    // torch.eye(2, 3) == [[1, 0, 0], [0, 1, 0]]
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(eye(3, 1, { dtype: 'int32' }).toArray()).toEqual([[1], [0], [0]]);
    expect(eye(0).shape).toEqual([0, 0]);
  });

  it('has entry (i, j) equal to 1 exactly when i equals j', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (n, m) => {
        const rows = eye(n, m).toArray() as number[][];
        expect(rows).toHaveLength(n);
        rows.forEach((row, i) => {
          row.forEach((v, j) => {
            expect(v).toBe(i === j ? 1 : 0);
          });
        });
      }),
    );
  });

  it('throws InvalidArgumentError for a negative or fractional size', () => {
    expect(() => eye(-1)).toThrow(InvalidArgumentError);
    expect(() => eye(2, 1.5)).toThrow(/m must be a non-negative integer; got 1.5/);
  });
});
