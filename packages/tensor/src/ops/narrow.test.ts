import { checkGradients } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { narrow } from './narrow.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';

describe('narrow', () => {
  it('keeps length consecutive entries like PyTorch', () => {
    // torch.tensor([[1, 2, 3], [4, 5, 6]]).narrow(1, 1, 2) == [[2, 3], [5, 6]]
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(narrow(x, 1, 1, 2).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    // narrow(0, -1, 1) == [[4, 5, 6]]
    expect(narrow(x, 0, -1, 1).toArray()).toEqual([[4, 5, 6]]);
    expect(narrow(x, 1, 3, 0).shape).toEqual([2, 0]);
  });

  it('returns a view that shares storage', () => {
    const x = reshape(arange(12), [3, 4]);
    const out = narrow(x, 0, 1, 2);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.nd.offset).toBe(4);
    expect(out.isContiguous()).toBe(true);
  });

  it('scatters the gradient into zeros at the kept positions', () => {
    const x = tensor([1, 2, 3, 4], { requiresGrad: true });
    sum(narrow(x, 0, 1, 2)).backward();
    expect(x.grad?.toArray()).toEqual([0, 1, 1, 0]);
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    checkGradients((v) => narrow(v, 1, 1, 2), [leaf({ shape: [2, 4, 3], values })], linearGradientTolerance);
    checkGradients((v) => narrow(v, -1, 0, 2), [leaf({ shape: [2, 4, 3], values })], linearGradientTolerance);
  });

  it('throws InvalidArgumentError when the range leaves the axis', () => {
    const x = arange(4);
    expect(() => narrow(x, 0, 3, 2)).toThrow(InvalidArgumentError);
    expect(() => narrow(x, 0, 3, 2)).toThrow(/length must be an integer in \[0, 1\].*got 2/);
    expect(() => narrow(x, 0, 5, 0)).toThrow(/start must be an integer in \[-4, 4\]/);
    expect(() => narrow(x, 0, -5, 1)).toThrow(InvalidArgumentError);
    expect(() => narrow(x, 0, 0, -1)).toThrow(InvalidArgumentError);
    expect(() => narrow(x, 1, 0, 1)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for a 0-d tensor', () => {
    expect(() => narrow(scalar(1), 0, 0, 1)).toThrow(ShapeError);
  });
});
