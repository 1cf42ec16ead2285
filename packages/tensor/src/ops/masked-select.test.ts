import { checkGradients } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { gt } from './compare.js';
import { tensor } from './creation.js';
import { maskedSelect } from './masked-select.js';

describe('maskedSelect', () => {
  it('picks the elements where mask is true in row-major order, as x[mask]', () => {
    const x = tensor([
      [1, -2],
      [-3, 4],
    ]);
    const out = maskedSelect(x, gt(x, 0));
    expect(out.shape).toEqual([2]);
    expect(out.toArray()).toEqual([1, 4]);
    expect(maskedSelect(x, tensor([false, false])).shape).toEqual([0]);
  });

  it('broadcasts x and mask to a common shape', () => {
    expect(maskedSelect(tensor([1, 2, 3]), tensor([[true], [false], [true]])).toArray()).toEqual([
      1, 2, 3, 1, 2, 3,
    ]);
    expect(
      maskedSelect(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        tensor([true, false, true]),
      ).toArray(),
    ).toEqual([1, 3, 4, 6]);
  });

  it('scatters the gradient back to the selected positions, summed over broadcasting', () => {
    const mask = tensor([
      [true, false, true],
      [true, true, false],
    ]);
    checkGradients(
      (x) => maskedSelect(x, mask),
      [leaf({ shape: [2, 3], values: [1, -2, 3, 0.5, 4, -1] })],
      linearGradientTolerance,
    );
    checkGradients(
      (x) => maskedSelect(x, mask),
      [leaf({ shape: [3], values: [1, -2, 3] })],
      linearGradientTolerance,
    );
  });

  it('throws for a non-bool mask or shapes that do not broadcast', () => {
    expect(() => maskedSelect(tensor([1, 2]), tensor([1, 0]))).toThrow(InvalidArgumentError);
    expect(() => maskedSelect(tensor([1, 2]), tensor([true, false, true]))).toThrow(ShapeError);
  });
});
