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
import { rsqrt } from './rsqrt.js';

const reference = (v: number) => 1 / Math.sqrt(v);

describe('rsqrt', () => {
  it('matches PyTorch on a few values', () => {
    // torch.rsqrt(torch.tensor([4., 0.25, 0., -1.])) -> [0.5000, 2.0000, inf, nan]
    const out = rsqrt(tensor([4, 0.25, 0, -1]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0.5, 2, Infinity, NaN], 1e-6);
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(rsqrt(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(rsqrt(tensor([true, false])).dtype).toBe('float32');
    expectClose(rsqrt(tensor([1, 2], { dtype: 'int32' })).toTypedArray(), [reference(1), reference(2)], 1e-6);
  });
  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(1e-6, 1e6)), ({ shape, values }) => {
        const out = rsqrt(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe('float64');
        expectClose(out.toTypedArray(), values.map(reference), 1e-14);
      }),
    );
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(0.2, 5)), (input) => {
        checkGradients(rsqrt, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => rsqrt([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
