import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { chunk } from './chunk.js';
import { concat } from './concat.js';
import { scalar, zeros } from './creation.js';

describe('chunk', () => {
  it('gives chunks of ⌈d / chunks⌉ with a shorter last one, and fewer chunks when they run out', () => {
    expect(chunk(arange(5), 2).map((c) => c.toArray())).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
    expect(chunk(arange(6), 4).map((c) => c.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(chunk(arange(6).reshape([2, 3]), 3, -1).map((c) => c.shape)).toEqual([
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    expect(chunk(zeros([0, 2]), 3).map((c) => c.shape)).toEqual([
      [0, 2],
      [0, 2],
      [0, 2],
    ]);
  });

  it('covers the axis in order with at most `chunks` pieces', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 }), (d, chunks) => {
        const parts = chunk(arange(d), chunks);
        expect(parts.length).toBeLessThanOrEqual(chunks);
        expect(parts.length).toBe(Math.ceil(d / Math.ceil(d / chunks)));
        expect(Array.from(concat(parts).toTypedArray())).toEqual(Array.from(arange(d).toTypedArray()));
      }),
    );
  });

  it('backpropagates each chunk into its slab', () => {
    checkGradients(
      (x) => chunk(x, 2, 1)[1]!,
      [leaf({ shape: [2, 3], values: [1, -2, 3, 0.5, 4, -1] })],
      linearGradientTolerance,
    );
  });

  it('throws for a 0-d x, a non-positive chunks or an axis out of range', () => {
    expect(() => chunk(scalar(1), 2)).toThrow(ShapeError);
    expect(() => chunk(arange(4), 0)).toThrow(InvalidArgumentError);
    expect(() => chunk(arange(4), 1.5)).toThrow(/chunks must be a positive integer; got 1.5/);
    expect(() => chunk(arange(4), 2, 1)).toThrow(InvalidArgumentError);
  });
});
