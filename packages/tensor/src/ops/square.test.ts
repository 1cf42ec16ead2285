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
import { square } from './square.js';

describe('square', () => {
  it('squares like PyTorch', () => {
    // torch.square(torch.tensor([-3., 0.5])) -> [9.0000, 0.2500]
    expectClose(square(tensor([-3, 0.5])).toTypedArray(), [9, 0.25], tolerance(1e-6));
  });

  it('keeps int32 (wrapping like PyTorch) and gives int32 for bool', () => {
    // torch.square(torch.tensor([3, 65537], dtype=torch.int32)) -> [9, 131073]
    const ints = square(tensor([3, 65537], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([9, 131073]);
    const bools = square(tensor([true, false]));
    expect(bools.dtype).toBe('int32');
    expect(bools.toArray()).toEqual([1, 0]);
  });

  it('matches an explicit loop on strided inputs', () => {
    assertMatchesLoop(square, (v) => v * v, finite(-100, 100), 1e-15);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-3, 3)), (input) => {
        checkGradients(square, [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => square(null as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
