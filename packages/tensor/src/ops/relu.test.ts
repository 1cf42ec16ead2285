import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  awayFromZero,
  checkGradients,
  expectClose,
  finite,
  smallShape,
  stridedTensor,
  withValues,
} from '../../test/elementwise-helpers.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { relu } from './relu.js';
import { sum } from './sum.js';

describe('relu', () => {
  it('zeroes negatives like PyTorch and propagates NaN', () => {
    // torch.relu(torch.tensor([-1., 0., 2., nan])) -> [0., 0., 2., nan]
    expectClose(relu(tensor([-1, 0, 2, Number.NaN])).toTypedArray(), [0, 0, 2, NaN]);
    const ints = relu(tensor([-3, 4], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([0, 4]);
  });

  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-100, 100)), ({ shape, values }) => {
        const out = relu(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expectClose(
          out.toTypedArray(),
          values.map((v) => Math.max(v, 0)),
          0,
        );
      }),
    );
  });

  it('has gradient 0 at x = 0 (PyTorch)', () => {
    // x = [-1., 0., 2.]; x.relu().sum().backward() -> x.grad = [0, 0, 1]
    const x = tensor([-1, 0, 2], { requiresGrad: true });
    sum(relu(x)).backward();
    expectClose(x.grad!.toTypedArray(), [0, 0, 1]);
  });

  it('matches central finite differences away from 0', () => {
    fc.assert(
      fc.property(withValues(smallShape(), awayFromZero(0.01, 5)), (input) => {
        checkGradients(relu, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => relu('x' as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
