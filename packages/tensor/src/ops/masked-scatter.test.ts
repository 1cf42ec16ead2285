import { checkGradients } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { tensor, zeros } from './creation.js';
import { maskedScatter } from './masked-scatter.js';

describe('maskedScatter', () => {
  it('writes source values row-major into the masked positions without touching x', () => {
    const x = zeros([2, 2]);
    const out = maskedScatter(
      x,
      tensor([
        [true, false],
        [false, true],
      ]),
      tensor([7, 8, 9]),
    );
    expect(out.toArray()).toEqual([
      [7, 0],
      [0, 8],
    ]);
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('broadcasts the mask to x and reads source of any shape row-major', () => {
    const out = maskedScatter(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([false, true, true]),
      tensor([
        [10, 20],
        [30, 40],
      ]),
    );
    expect(out.toArray()).toEqual([
      [1, 10, 20],
      [4, 30, 40],
    ]);
  });

  it('passes the gradient to x off the mask and to the used part of source', () => {
    const mask = tensor([
      [true, false, true],
      [false, true, false],
    ]);
    checkGradients(
      (x, s) => maskedScatter(x, mask, s),
      [
        leaf({ shape: [2, 3], values: [1, -2, 3, 0.5, 4, -1] }),
        leaf({ shape: [2, 2], values: [5, 6, 7, 8] }),
      ],
      linearGradientTolerance,
    );
  });

  it('throws for too few source elements, a mask that does not broadcast, or a non-bool mask', () => {
    expect(() => maskedScatter(zeros([2]), tensor([true, true]), tensor([1]))).toThrow(InvalidArgumentError);
    expect(() => maskedScatter(zeros([2]), tensor([true, true]), tensor([1]))).toThrow(
      /source must have at least 2 elements \(the true entries of mask\); got 1 \(shape \(1\)\)/,
    );
    expect(() => maskedScatter(zeros([2]), tensor([true, true, false]), tensor([1, 2, 3]))).toThrow(
      ShapeError,
    );
    expect(() => maskedScatter(zeros([2]), tensor([1, 1]), tensor([1, 2]))).toThrow(InvalidArgumentError);
  });
});
