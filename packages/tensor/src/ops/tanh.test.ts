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
import { tanh } from './tanh.js';

const reference = Math.tanh;

describe('tanh', () => {
  it('matches PyTorch on a few values', () => {
    // torch.tanh(torch.tensor([0., 1., -2., 20.])) -> [0.0000, 0.7616, -0.9640, 1.0000]
    const out = tanh(tensor([0, 1, -2, 20]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0, 0.7615941559557649, -0.9640275800758169, 1], 1e-6);
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(tanh(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(tanh(tensor([true, false])).dtype).toBe('float32');
    expectClose(tanh(tensor([1, 2], { dtype: 'int32' })).toTypedArray(), [reference(1), reference(2)], 1e-6);
  });
  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-30, 30)), ({ shape, values }) => {
        const out = tanh(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe('float64');
        expectClose(out.toTypedArray(), values.map(reference), 1e-14);
      }),
    );
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-3, 3)), (input) => {
        checkGradients(tanh, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => tanh([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
