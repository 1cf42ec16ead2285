import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { tensor } from './creation.js';
import { reshape } from './reshape.js';
import { transpose } from './transpose.js';

describe('transpose', () => {
  it('swaps the last two axes by default', () => {
    expect(
      transpose(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      ).toArray(),
    ).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('swaps the given axes like PyTorch', () => {
    // torch.arange(24).reshape(2, 3, 4).transpose(0, 2).shape == (4, 3, 2); [1][2] == [9, 21]
    const out = transpose(reshape(arange(24), [2, 3, 4]), 0, 2);
    expect(out.shape).toEqual([4, 3, 2]);
    expect((out.toArray() as number[][][])[1]![2]).toEqual([9, 21]);
  });

  it('returns a view that shares storage', () => {
    const x = reshape(arange(6), [2, 3]);
    expect(transpose(x).nd.data).toBe(x.nd.data);
  });

  it('matches an explicit loop over a batch of matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (b, m, n) => {
          const x = reshape(arange(b * m * n), [b, m, n]);
          const out = transpose(x).toArray() as number[][][];
          for (let i = 0; i < b; i++)
            for (let j = 0; j < m; j++)
              for (let k = 0; k < n; k++) expect(out[i]![k]![j]).toBe((i * m + j) * n + k);
        },
      ),
    );
  });

  it('passes the gradient back transposed', () => {
    const values = Array.from({ length: 12 }, (_, i) => Math.cos(i));
    checkGradients((x) => transpose(x), [leaf({ shape: [2, 2, 3], values })], linearGradientTolerance);
    checkGradients((x) => transpose(x, 0, -1), [leaf({ shape: [2, 2, 3], values })], linearGradientTolerance);
  });

  it('throws InvalidArgumentError when an axis is out of range', () => {
    expect(() => transpose(tensor([1, 2, 3]))).toThrow(InvalidArgumentError);
    expect(() => transpose(tensor([[1, 2]]), 0, 2)).toThrow(/axis1 must be an integer in \[-2, 1\]/);
  });
});
