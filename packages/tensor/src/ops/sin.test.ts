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
import { sin } from './sin.js';

const reference = Math.sin;

describe('sin', () => {
  it('matches PyTorch on a few values', () => {
    // torch.sin(torch.tensor([0., math.pi / 2, 1., -3.])) -> [0.0000, 1.0000, 0.8415, -0.1411]
    const out = sin(tensor([0, Math.PI / 2, 1, -3]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0, 1, 0.8414709848078965, -0.1411200080598672], 1e-6);
  });

  it('gives float32 for int32 and bool inputs', () => {
    expect(sin(tensor([1, 2], { dtype: 'int32' })).dtype).toBe('float32');
    expect(sin(tensor([true, false])).dtype).toBe('float32');
    expectClose(sin(tensor([1, 2], { dtype: 'int32' })).toTypedArray(), [reference(1), reference(2)], 1e-6);
  });
  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-100, 100)), ({ shape, values }) => {
        const out = sin(stridedTensor(values, shape, 'float64'));
        expect(out.shape).toEqual(shape);
        expect(out.dtype).toBe('float64');
        expectClose(out.toTypedArray(), values.map(reference), 1e-14);
      }),
    );
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-4, 4)), (input) => {
        checkGradients(sin, [input]);
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => sin([1, 2] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
