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
import { erf } from '../internal/erf.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { gelu } from './gelu.js';
import { sum } from './sum.js';

const K = Math.sqrt(2 / Math.PI);
const exactReference = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));
const tanhReference = (x: number): number => 0.5 * x * (1 + Math.tanh(K * (x + 0.044715 * x ** 3)));

describe('gelu', () => {
  it('matches PyTorch (exact erf form by default)', () => {
    // torch.nn.functional.gelu(torch.tensor([-3., -1., -0.5, 0., 1., 2.]))
    //   -> [-0.0040, -0.1587, -0.1543, 0.0000, 0.8413, 1.9545]
    const out = gelu(tensor([-3, -1, -0.5, 0, 1, 2]));
    expect(out.dtype).toBe('float32');
    expectClose(
      out.toTypedArray(),
      [
        -0.00404969409489028, -0.15865525393145707, -0.15426876936299344, 0, 0.8413447460685429,
        1.9544997361036416,
      ],
      tolerance(1e-7),
    );
  });

  it("matches PyTorch with approximate: 'tanh'", () => {
    // torch.nn.functional.gelu(x, approximate='tanh') -> [-0.0036, -0.1588, -0.1543, 0.0000, 0.8412, 1.9546]
    const out = gelu(tensor([-3, -1, -0.5, 0, 1, 2]), { approximate: 'tanh' });
    expectClose(
      out.toTypedArray(),
      [
        -0.0036373920817729943, -0.15880800939172324, -0.15428599017485606, 0, 0.8411919906082768,
        1.954597694087775,
      ],
      tolerance(1e-7),
    );
  });

  it('keeps the left tail accurate in float64 (x Φ(x) does not flush to 0)', () => {
    // scipy: -10 * ndtr(-10) = -7.61985302416047e-23, -6 * ndtr(-6) = -5.919525870226167e-09
    const out = gelu(tensor([-10, -6], { dtype: 'float64' })).toTypedArray();
    expect(Math.abs(out[0]! / -7.61985302416047e-23 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(out[1]! / -5.919525870226167e-9 - 1)).toBeLessThan(1e-14);
  });

  it('gives float32 for int32 input', () => {
    const out = gelu(tensor([1, 2], { dtype: 'int32' }));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0.8413447460685429, 1.9544997361036416], tolerance(1e-7));
  });

  it('matches an explicit loop on strided inputs, in both forms', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-8, 8)), ({ shape, values }) => {
        const x = stridedTensor(values, shape, 'float64');
        expectClose(gelu(x).toTypedArray(), values.map(exactReference), tolerance(1e-14));
        expectClose(
          gelu(x, { approximate: 'tanh' }).toTypedArray(),
          values.map(tanhReference),
          tolerance(1e-14),
        );
      }),
    );
  });

  it('stays within 1e-3 of its tanh approximation', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-10, 10)), ({ shape, values }) => {
        const x = tensor(values, { shape, dtype: 'float64' });
        expectClose(gelu(x).toTypedArray(), gelu(x, { approximate: 'tanh' }).toTypedArray(), tolerance(1e-3));
      }),
    );
  });

  it('has derivative Φ(x) + x φ(x)', () => {
    // x = [-1., 0., 1.]; gelu(x).sum().backward() -> x.grad = [-0.0833, 0.5000, 1.0833]
    const x = tensor([-1, 0, 1], { dtype: 'float64', requiresGrad: true });
    sum(gelu(x)).backward();
    expectClose(x.grad!.toTypedArray(), [-0.08331547058768629, 0.5, 1.0833154705876864], tolerance(1e-14));
  });

  it('matches central finite differences in both forms', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-5, 5)), (input) => {
        checkGradients((x) => gelu(x), [leaf(input)], gradientTolerance);
        checkGradients((x) => gelu(x, { approximate: 'tanh' }), [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError for an unknown approximate', () => {
    expect(() => gelu(tensor([1]), { approximate: 'erf' as 'none' })).toThrow(InvalidArgumentError);
    expect(() => gelu(tensor([1]), { approximate: 'erf' as 'none' })).toThrow(/'none' or 'tanh'; got erf/);
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => gelu([1] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
