import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
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
import { clamp } from './clamp.js';
import { tensor } from './creation.js';
import { sum } from './sum.js';

// k/4 + 1/8: never on the bounds ±1 used below, and at least 1/8 from them.
const offBounds = fc.integer({ min: -12, max: 12 }).map((k) => k / 4 + 0.125);

describe('clamp', () => {
  it('clamps into [min, max] like PyTorch', () => {
    // torch.clamp(torch.tensor([-2., 0.5, 3.]), 0, 1) -> [0.0, 0.5, 1.0]
    expectClose(clamp(tensor([-2, 0.5, 3]), 0, 1).toTypedArray(), [0, 0.5, 1], tolerance(1e-6));
  });

  it('takes either bound alone', () => {
    // torch.clamp(x, min=0) and torch.clamp(x, max=0) for x = [-2., 0.5, 3.]
    expectClose(clamp(tensor([-2, 0.5, 3]), 0).toTypedArray(), [0, 0.5, 3], tolerance(1e-6));
    expectClose(clamp(tensor([-2, 0.5, 3]), undefined, 0).toTypedArray(), [-2, 0, 0], tolerance(1e-6));
  });

  it('gives max everywhere when min > max, and keeps NaN', () => {
    // torch.clamp(torch.tensor([1., 2., nan]), min=3, max=1) -> [1., 1., nan]
    expectClose(clamp(tensor([1, 2, Number.NaN]), 3, 1).toTypedArray(), [1, 1, NaN], tolerance(1e-6));
  });

  it('keeps int32, and promotes to float32 for a fractional bound', () => {
    const ints = clamp(tensor([-5, 0, 5], { dtype: 'int32' }), -1, 2);
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([-1, 0, 2]);
    const floats = clamp(tensor([-5, 0, 5], { dtype: 'int32' }), -0.5);
    expect(floats.dtype).toBe('float32');
    expectClose(floats.toTypedArray(), [-0.5, 0, 5], tolerance(1e-6));
    expect(clamp(tensor([true, false]), 2).toArray()).toEqual([2, 2]);
  });

  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(
        withValues(smallShape(), finite(-10, 10)),
        finite(-5, 0),
        finite(0, 5),
        ({ shape, values }, lo, hi) => {
          const out = clamp(stridedTensor(values, shape, 'float64'), lo, hi);
          expect(out.shape).toEqual(shape);
          expectClose(
            out.toTypedArray(),
            values.map((v) => Math.min(Math.max(v, lo), hi)),
            tolerance(0),
          );
        },
      ),
    );
  });

  it('passes the gradient inside [min, max], bounds included (PyTorch)', () => {
    // x = [-2., 0., 0.5, 1., 3.]; x.clamp(0, 1).sum().backward() -> x.grad = [0, 1, 1, 1, 0]
    const x = tensor([-2, 0, 0.5, 1, 3], { requiresGrad: true });
    sum(clamp(x, 0, 1)).backward();
    expectClose(x.grad!.toTypedArray(), [0, 1, 1, 1, 0], tolerance(1e-6));
  });

  it('matches central finite differences away from the bounds', () => {
    fc.assert(
      fc.property(withValues(smallShape(), offBounds), (input) => {
        checkGradients((x) => clamp(x, -1, 1), [leaf(input)], gradientTolerance);
        checkGradients((x) => clamp(x, undefined, 1), [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError when both bounds are omitted', () => {
    expect(() => clamp(tensor([1]))).toThrow(InvalidArgumentError);
    expect(() => clamp(tensor([1]))).toThrow(/at least one of min and max/);
  });

  it('throws InvalidArgumentError for a bound that is not a number', () => {
    expect(() => clamp(tensor([1]), '0' as unknown as number)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => clamp([1] as unknown as Tensor, 0)).toThrow(InvalidArgumentError);
  });
});
