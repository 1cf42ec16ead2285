import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  finite,
  gradientTolerance,
  leaf,
  smallShape,
  stridedTensor,
  withValues,
} from '../../test/helpers.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { tensor } from './creation.js';
import { mul } from './mul.js';
import { sum } from './sum.js';

describe('cast', () => {
  it('truncates float to int32 toward zero like PyTorch', () => {
    // torch.tensor([-1.7, -0.5, 0.5, 2.9]).to(torch.int32) -> [-1, 0, 0, 2]
    const out = cast(tensor([-1.7, -0.5, 0.5, 2.9]), 'int32');
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual([-1, 0, 0, 2]);
  });

  it('makes nonzero values (NaN included) true when casting to bool', () => {
    // torch.tensor([0., 0.5, -2., nan]).to(torch.bool) -> [False, True, True, True]
    expect(cast(tensor([0, 0.5, -2, Number.NaN]), 'bool').toArray()).toEqual([false, true, true, true]);
  });

  it('converts between the other dtypes', () => {
    expect(cast(tensor([true, false]), 'float32').toArray()).toEqual([1, 0]);
    expect(cast(tensor([3, -4], { dtype: 'int32' }), 'float64').dtype).toBe('float64');
    // float64 -> float32 rounds to nearest: 0.1 becomes 0.10000000149011612.
    expect(cast(tensor([0.1], { dtype: 'float64' }), 'float32').item()).toBe(Math.fround(0.1));
  });

  it('returns a new tensor even for the same dtype', () => {
    const x = tensor([1, 2]);
    const y = cast(x, 'float32');
    expect(y).not.toBe(x);
    expect(y.nd.data).not.toBe(x.nd.data);
  });

  it('matches an explicit loop on strided inputs for every target dtype', () => {
    const targets: DType[] = ['bool', 'int32', 'float32', 'float64'];
    fc.assert(
      fc.property(
        withValues(smallShape(), finite(-1e3, 1e3)),
        fc.constantFrom(...targets),
        ({ shape, values }, dtype) => {
          const out = cast(stridedTensor(values, shape, 'float64'), dtype);
          expect(out.shape).toEqual(shape);
          expect(out.dtype).toBe(dtype);
          const expected = values.map((v) =>
            dtype === 'bool'
              ? v !== 0
                ? 1
                : 0
              : dtype === 'int32'
                ? Math.trunc(v)
                : dtype === 'float32'
                  ? Math.fround(v)
                  : v,
          );
          // + 0 turns -0 into 0 on both sides: the sign of zero is not what is tested here.
          expect(Array.from(out.toTypedArray(), (v) => v + 0)).toEqual(expected.map((v) => v + 0));
        },
      ),
    );
  });

  it('passes the gradient through between float dtypes, in the input dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    sum(mul(cast(x, 'float64'), tensor([3, 4], { dtype: 'float64' }))).backward();
    expect(x.grad?.dtype).toBe('float32');
    expect(x.grad?.toArray()).toEqual([3, 4]);
  });

  it('is not differentiable into int32 or bool', () => {
    const x = tensor([1.5, 2], { requiresGrad: true });
    expect(cast(x, 'int32').requiresGrad).toBe(false);
    expect(cast(x, 'bool').requiresGrad).toBe(false);
  });

  it('matches central finite differences', () => {
    fc.assert(
      fc.property(withValues(smallShape(), finite(-3, 3)), (input) => {
        checkGradients((x) => cast(x, 'float64'), [leaf(input)], gradientTolerance);
      }),
    );
  });

  it('throws InvalidArgumentError for an unknown dtype', () => {
    expect(() => cast(tensor([1]), 'int64' as DType)).toThrow(InvalidArgumentError);
    expect(() => cast(tensor([1]), 'int64' as DType)).toThrow(/got int64/);
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => cast([1] as unknown as Tensor, 'int32')).toThrow(InvalidArgumentError);
  });
});
