import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor, zeros } from './creation.js';
import { flatten } from './flatten.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';

describe('flatten', () => {
  it('merges the given axes like PyTorch', () => {
    expect(flatten(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(flatten(zeros([2, 3, 4]), 0, 1).shape).toEqual([6, 4]);
    expect(flatten(zeros([2, 3, 4]), -2, -2).shape).toEqual([2, 3, 4]);
    expect(flatten(scalar(3)).toArray()).toEqual([3]);
    expect(
      flatten(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ).toArray(),
    ).toEqual([1, 2, 3, 4]);
  });

  it('returns a view of a contiguous tensor', () => {
    const x = reshape(arange(24), [2, 3, 4]);
    expect(flatten(x, 1).nd.data).toBe(x.nd.data);
  });

  it('keeps row-major order, also for a permuted (non-contiguous) input', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        ([a, b, c]) => {
          const x = permute(reshape(arange(a * b * c), [a, b, c]), [2, 0, 1]); // (c, a, b)
          const expected: number[] = [];
          for (let k = 0; k < c; k++)
            for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) expected.push((i * b + j) * c + k);
          expect(flatten(x).toArray()).toEqual(expected);
          expect((flatten(x, 1).toArray() as number[][]).flat()).toEqual(expected);
        },
      ),
    );
  });

  it('passes the gradient back reshaped', () => {
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    checkGradients((v) => flatten(v, 1), [leaf({ shape: [2, 3, 4], values })], linearGradientTolerance);
    checkGradients(
      (v) => flatten(permute(v, [2, 0, 1])),
      [leaf({ shape: [2, 3, 4], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError when startAxis comes after endAxis or an axis is out of range', () => {
    expect(() => flatten(zeros([2, 3, 4]), 2, 1)).toThrow(InvalidArgumentError);
    expect(() => flatten(zeros([2, 3, 4]), 2, 1)).toThrow(/startAxis must not come after endAxis/);
    expect(() => flatten(zeros([2, 3]), 0, 2)).toThrow(/endAxis must be an integer/);
    expect(() => flatten(scalar(1), 1)).toThrow(InvalidArgumentError);
  });
});
