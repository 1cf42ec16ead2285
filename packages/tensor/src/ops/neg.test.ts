import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertMatchesLoop,
  finite,
  gradientTolerance,
  leaf,
  smallShape,
  tolerance,
  withValues,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { neg } from './neg.js';

describe('neg', () => {
  it('negates like PyTorch, keeping the dtype', () => {
    // torch.neg(torch.tensor([1., -2., 0.])) -> [-1, 2, -0]
    expectClose(neg(tensor([1, -2, 0])).toTypedArray(), [-1, 2, -0], tolerance(1e-6));
    const ints = neg(tensor([3, -4], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([-3, 4]);
  });

  it('matches an explicit loop on strided inputs', () => {
    assertMatchesLoop(neg, (v) => -v, finite(-100, 100), 0);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-3, 3)), (input) => {
        checkGradients(neg, [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError for a bool tensor', () => {
    expect(() => neg(tensor([true]))).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => neg(3 as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
