import { checkGradients } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { repeat } from './repeat.js';
import { tile } from './tile.js';

describe('tile', () => {
  it('pads missing leading reps with ones, as torch.tile', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(tile(x, [2]).toArray()).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
    expect(tile(x, [2, 1, 1]).shape).toEqual([2, 2, 2]);
    expect(tile(x, [1, 2]).toArray()).toEqual(repeat(x, [1, 2]).toArray());
  });

  it('sums the gradient over the copies', () => {
    checkGradients(
      (x) => tile(x, [2]),
      [leaf({ shape: [2, 2], values: [1, -2, 3, 0.5] })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError for a negative or fractional rep', () => {
    expect(() => tile(tensor([1, 2]), [1.5])).toThrow(InvalidArgumentError);
    expect(() => tile(tensor([1, 2]), [-2])).toThrow(/tile: repeats must be non-negative integers/);
  });
});
