import { checkGradients } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { tensor, zeros } from './creation.js';
import { reshape } from './reshape.js';
import { squeeze } from './squeeze.js';

describe('squeeze', () => {
  it('removes every axis of extent 1 by default', () => {
    expect(squeeze(zeros([2, 1, 3, 1])).shape).toEqual([2, 3]);
    expect(squeeze(tensor([[[7]]])).shape).toEqual([]);
    expect(squeeze(tensor([[1], [2]])).toArray()).toEqual([1, 2]);
  });

  it('removes only the given axes, leaving a non-1 axis in place as PyTorch does', () => {
    const x = zeros([2, 1, 3, 1]);
    expect(squeeze(x, 1).shape).toEqual([2, 3, 1]);
    expect(squeeze(x, -1).shape).toEqual([2, 1, 3]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(x, [0, 3]).shape).toEqual([2, 1, 3]);
  });

  it('returns a view that shares storage', () => {
    const x = reshape(arange(6), [1, 2, 1, 3]);
    const out = squeeze(x);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.nd.stride).toEqual([3, 1]);
    expect(out.toArray()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it('passes the gradient back reshaped', () => {
    const x = tensor([[1], [2]], { requiresGrad: true });
    squeeze(x).backward(tensor([3, 4]));
    expect(x.grad?.toArray()).toEqual([[3], [4]]);
    const values = Array.from({ length: 6 }, (_, i) => Math.sin(i));
    checkGradients((v) => squeeze(v), [leaf({ shape: [2, 1, 3], values })], linearGradientTolerance);
  });

  it('throws InvalidArgumentError when an axis is out of range', () => {
    expect(() => squeeze(zeros([2, 1]), 2)).toThrow(InvalidArgumentError);
    expect(() => squeeze(zeros([2, 1]), [-3])).toThrow(/axis must be an integer in \[-2, 1\]/);
  });
});
