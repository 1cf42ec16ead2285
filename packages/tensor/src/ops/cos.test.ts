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
import { cos } from './cos.js';
import { tensor } from './creation.js';

const reference = Math.cos;

describe('cos', () => {
  it('matches PyTorch on a few values', () => {
    // torch.cos(torch.tensor([0., math.pi, 1., -3.])) -> [1.0000, -1.0000, 0.5403, -0.9900]
    const out = cos(tensor([0, Math.PI, 1, -3]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [1, -1, 0.5403023058681398, -0.9899924966004454], 1e-6);
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(cos(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(cos(tensor([true, false])).dtype).toBe('float32');
    expectClose(cos(tensor([1, 2], { dtype: 'int32' })).toTypedArray(), [reference(1), reference(2)], 1e-6);
  });
  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-100, 100)), ({ shape, values }) => {
        const out = cos(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe('float64');
        expectClose(out.toTypedArray(), values.map(reference), 1e-14);
      }),
    );
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-4, 4)), (input) => {
        checkGradients(cos, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => cos([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
