import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { unsqueeze } from './unsqueeze.js';

describe('unsqueeze', () => {
  it('inserts an axis of extent 1 like PyTorch', () => {
    const x = tensor([1, 2, 3]);
    expect(unsqueeze(x, 0).toArray()).toEqual([[1, 2, 3]]);
    expect(unsqueeze(x, 1).toArray()).toEqual([[1], [2], [3]]);
    expect(unsqueeze(x, -1).shape).toEqual([3, 1]);
    expect(unsqueeze(x, -2).shape).toEqual([1, 3]);
    expect(unsqueeze(scalar(5), 0).toArray()).toEqual([5]);
  });

  it('returns a view that shares storage and stays contiguous', () => {
    const x = reshape(arange(6), [2, 3]);
    const out = unsqueeze(x, 1);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.isContiguous()).toBe(true);
  });

  it('keeps the elements in row-major order at every position', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }),
        fc.nat(),
        (shape, k) => {
          const axis = k % (shape.length + 1);
          const n = shape.reduce((a, b) => a * b, 1);
          const out = unsqueeze(reshape(arange(n), shape), axis);
          expect(out.shape).toEqual([...shape.slice(0, axis), 1, ...shape.slice(axis)]);
          expect(Array.from(out.toTypedArray())).toEqual([...Array(n).keys()]);
        },
      ),
    );
  });

  it('passes the gradient back reshaped', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    unsqueeze(x, 0).backward(tensor([[4, 5, 6]]));
    expect(x.grad?.toArray()).toEqual([4, 5, 6]);
    expect(sum(unsqueeze(x, 1)).requiresGrad).toBe(true);
    const values = Array.from({ length: 6 }, (_, i) => Math.sin(i));
    checkGradients((v) => unsqueeze(v, 1), [leaf({ shape: [2, 3], values })], linearGradientTolerance);
  });

  it('throws InvalidArgumentError when axis is outside [-ndim-1, ndim]', () => {
    expect(() => unsqueeze(tensor([1, 2]), 2)).toThrow(InvalidArgumentError);
    expect(() => unsqueeze(tensor([1, 2]), -3)).toThrow(/axis must be an integer in \[-2, 1\]/);
  });
});
