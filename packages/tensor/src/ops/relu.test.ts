import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertMatchesLoop,
  awayFromZero,
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
import { relu } from './relu.js';
import { sum } from './sum.js';

describe('relu', () => {
  it('zeroes negatives like PyTorch and propagates NaN', () => {
    // torch.relu(torch.tensor([-1., 0., 2., nan])) -> [0., 0., 2., nan]
    expectClose(relu(tensor([-1, 0, 2, Number.NaN])).toTypedArray(), [0, 0, 2, NaN], tolerance(1e-6));
    const ints = relu(tensor([-3, 4], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([0, 4]);
  });

  it('matches an explicit loop on strided inputs', () => {
    assertMatchesLoop(relu, (v) => Math.max(v, 0), finite(-100, 100), 0);
  });

  it('has gradient 0 at x = 0 (PyTorch)', () => {
    // x = [-1., 0., 2.]; x.relu().sum().backward() -> x.grad = [0, 0, 1]
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    sum(relu(x)).backward();
    expectClose(x.grad!.toTypedArray(), [0, 0, 1], tolerance(1e-6));
  });

  it('matches central finite differences away from 0', () => {
    fc.assert(
      fc.property(withValues(smallShape(), awayFromZero(0.01, 5)), (input) => {
        checkGradients(relu, [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => relu('x' as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
