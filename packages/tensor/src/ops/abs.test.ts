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
import { abs } from './abs.js';
import { tensor } from './creation.js';
import { sum } from './sum.js';

describe('abs', () => {
  it('takes absolute values like PyTorch, keeping the dtype', () => {
    // torch.abs(torch.tensor([-1.5, 0., 2.])) -> [1.5, 0., 2.]
    expectClose(abs(tensor([-1.5, 0, 2])).toTypedArray(), [1.5, 0, 2], tolerance(1e-6));
    const ints = abs(tensor([-3, 4], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([3, 4]);
  });

  it('matches an explicit loop on strided inputs', () => {
    assertMatchesLoop(abs, Math.abs, finite(-100, 100), 0);
  });

  it('has gradient sign(x), 0 at x = 0 (PyTorch)', () => {
    // x = [-2., 0., 3.]; x.abs().sum().backward() -> x.grad = [-1, 0, 1]
    const x = tensor([-2, 0, 3], { requiresGrad: true });
    sum(abs(x)).backward();
    expectClose(x.grad!.toTypedArray(), [-1, 0, 1], tolerance(1e-6));
  });

  it('matches central finite differences away from 0', () => {
    fc.assert(
      fc.property(withValues(smallShape(), awayFromZero(0.01, 5)), (input) => {
        checkGradients(abs, [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => abs(-1 as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
