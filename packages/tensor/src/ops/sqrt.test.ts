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
import { sqrt } from './sqrt.js';

const reference = Math.sqrt;

describe('sqrt', () => {
  it('matches PyTorch on a few values', () => {
    // torch.sqrt(torch.tensor([4., 2., 0., -1.])) -> [2.0000, 1.4142, 0.0000, nan]
    const out = sqrt(tensor([4, 2, 0, -1]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [2, Math.SQRT2, 0, NaN], 1e-6);
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(sqrt(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(sqrt(tensor([true, false])).dtype).toBe('float32');
    expectClose(sqrt(tensor([1, 2], { dtype: 'int32' })).toTypedArray(), [reference(1), reference(2)], 1e-6);
  });
  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(0, 1e6)), ({ shape, values }) => {
        const out = sqrt(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe('float64');
        expectClose(out.toTypedArray(), values.map(reference), 1e-14);
      }),
    );
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(0.2, 5)), (input) => {
        checkGradients(sqrt, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => sqrt([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
