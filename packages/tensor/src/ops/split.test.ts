import { checkGradients } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { arange } from './arange.js';
import { concat } from './concat.js';
import { scalar, tensor } from './creation.js';
import { reshape } from './reshape.js';
import { split } from './split.js';
import { sum } from './sum.js';

describe('split', () => {
  it('cuts into chunks of a size like PyTorch', () => {
    // torch.split(arange(10).reshape(5, 2), 2) -> [[0, 1], [2, 3]], [[4, 5], [6, 7]], [[8, 9]]
    const parts = split(reshape(arange(10), [5, 2]), 2);
    expect(parts.map((p) => p.toArray())).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
      [
        [4, 5],
        [6, 7],
      ],
      [[8, 9]],
    ]);
  });

  it('cuts into the given sizes along any axis', () => {
    const parts = split(reshape(arange(6), [2, 3]), [1, 0, 2], -1);
    expect(parts.map((p) => p.shape)).toEqual([
      [2, 1],
      [2, 0],
      [2, 2],
    ]);
    expect(parts[2]?.toArray()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(split(arange(0), 3).map((p) => p.shape)).toEqual([[0]]);
  });

  it('returns views that share storage', () => {
    const x = reshape(arange(6), [3, 2]);
    for (const p of split(x, 1)) expect(p.nd.data).toBe(x.nd.data);
  });

  it('sends each chunk its own slab of the gradient', () => {
    const x = tensor([1, 2, 3, 4, 5], { requiresGrad: true });
    const [a, b] = split(x, [2, 3]) as [Tensor, Tensor];
    sum(concat([b, a, a])).backward();
    expect(x.grad?.toArray()).toEqual([2, 2, 1, 1, 1]);
    const values = Array.from({ length: 12 }, (_, i) => Math.sin(i));
    checkGradients(
      (v) => concat(split(v, 2, 1).reverse(), 1),
      [leaf({ shape: [3, 4], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError for a bad size or sizes that do not sum to the extent', () => {
    expect(() => split(arange(4), 0)).toThrow(/size must be a positive integer; got 0/);
    expect(() => split(arange(4), [1, 2])).toThrow(InvalidArgumentError);
    expect(() => split(arange(4), [1, 2])).toThrow(/sizes must be non-negative integers summing to 4/);
    expect(() => split(arange(4), [5, -1])).toThrow(InvalidArgumentError);
    expect(() => split(arange(4), 2, 1)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for a 0-d tensor', () => {
    expect(() => split(scalar(1), 1)).toThrow(ShapeError);
  });
});
