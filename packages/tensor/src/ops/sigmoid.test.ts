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
import { sigmoid } from './sigmoid.js';

const reference = (x: number): number => 1 / (1 + Math.exp(-x));

describe('sigmoid', () => {
  it('matches PyTorch on a few values', () => {
    // torch.sigmoid(torch.tensor([-1., 0., 1., 3.])) -> [0.2689, 0.5000, 0.7311, 0.9526]
    const out = sigmoid(tensor([-1, 0, 1, 3]));
    expect(out.dtype).toBe('float32');
    expectClose(
      out.toTypedArray(),
      [0.2689414213699951, 0.5, 0.7310585786300049, 0.9525741268224334],
      tolerance(1e-7),
    );
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(sigmoid(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expectClose(sigmoid(tensor([true, false])).toTypedArray(), [reference(1), 0.5], tolerance(1e-7));
  });

  it('stays finite and accurate for large |x|', () => {
    // The naive e^x / (1 + e^x) gives Infinity / Infinity = NaN at x = 800.
    const out = sigmoid(tensor([-800, -30, 30, 800], { dtype: 'float64' })).toTypedArray();
    expect(out[0]).toBe(0);
    // σ(-30) = e^-30 / (1 + e^-30), to full relative precision.
    expect(Math.abs(out[1]! / 9.357622968839299e-14 - 1)).toBeLessThan(1e-14);
    // 1 - σ(30) is e^-30 up to the float64 spacing near 1 (1.1e-16, about 1e-3 of it).
    expect(Math.abs((1 - out[2]!) / 9.357622968840175e-14 - 1)).toBeLessThan(2e-3);
    expect(out[3]).toBe(1);
  });

  it('matches an explicit loop on strided inputs', () => {
    assertMatchesLoop(sigmoid, reference, finite(-30, 30), 1e-14);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-6, 6)), (input) => {
        checkGradients(sigmoid, [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => sigmoid(undefined as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
