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
  stridedTensor,
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

  it('keeps +Infinity and huge values and zeroes -Infinity and -0, in float32 and float64', () => {
    // torch.relu(torch.tensor([-inf, inf, -0., 3.4e38, -3.4e38, 1e-45])) -> [0., inf, 0., 3.4e38, 0., 1e-45]
    const values = [-Infinity, Infinity, -0, 3.4e38, -3.4e38, 1e-45];
    const f32 = relu(tensor(values)).toTypedArray();
    expectClose(f32, [0, Infinity, 0, Math.fround(3.4e38), 0, Math.fround(1e-45)], tolerance(0));
    expect(Object.is(f32[2], 0)).toBe(true);
    const f64 = relu(tensor([...values, 1.7e308], { dtype: 'float64' })).toTypedArray();
    expectClose(f64, [0, Infinity, 0, 3.4e38, 0, 1e-45, 1.7e308], tolerance(0));
  });

  it('passes the gradient only where the output is positive, even when it is not finite', () => {
    // y = relu(x) for x = [-1, 0, 2, nan, inf]; g = [inf, inf, nan, inf, 3]: x.grad = [0, 0, nan, 0, 3]
    const expected = [0, 0, NaN, 0, 3];
    for (const strided of [false, true]) {
      const x = tensor([-1, 0, 2, Number.NaN, Infinity], { requiresGrad: true });
      const gValues = [Infinity, Infinity, Number.NaN, Infinity, 3];
      // The float32 contiguous gradient takes the bitwise path, the strided one the loop.
      const g = strided ? stridedTensor(gValues, [5]) : tensor(gValues);
      relu(x).backward(g);
      expectClose(x.grad!.toTypedArray(), expected, tolerance(0));
    }
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
