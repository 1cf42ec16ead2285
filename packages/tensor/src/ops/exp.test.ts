import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
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
import { exp } from './exp.js';

const reference = Math.exp;

describe('exp', () => {
  it('matches PyTorch on a few values', () => {
    // torch.exp(torch.tensor([0., 1., -1.])) -> [1.0000, 2.7183, 0.3679]
    const out = exp(tensor([0, 1, -1]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [1, Math.E, Math.exp(-1)], 1e-6);
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(exp(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(exp(tensor([true, false])).dtype).toBe('float32');
    expectClose(exp(tensor([1, 2], { dtype: 'int32' })).toTypedArray(), [reference(1), reference(2)], 1e-6);
  });
  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-20, 20)), ({ shape, values }) => {
        const out = exp(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe('float64');
        expectClose(out.toTypedArray(), values.map(reference), 1e-14);
      }),
    );
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-3, 3)), (input) => {
        checkGradients(exp, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => exp([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
