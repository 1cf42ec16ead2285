import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkCaseGradients,
  finite,
  optionsOf,
  reduceCases,
  referenceReduce,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { prod } from './prod.js';

const product = (group: number[]): number => group.reduce((p, v) => p * v, 1);

describe('prod', () => {
  it('multiplies over an axis', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(prod(x, { axis: 1 }).toArray()).toEqual([2, 12]);
    expect(prod(x, { axis: 0, keepDim: true }).toArray()).toEqual([[3, 8]]);
    expect(prod(x).item()).toBe(24);
  });

  it('gives int32 for int32 and bool input', () => {
    const ints = prod(tensor([2, -3, 4], { dtype: 'int32' }));
    expect(ints.dtype).toBe('int32');
    expect(ints.item()).toBe(-24);
    expect(prod(tensor([true, false])).dtype).toBe('int32');
    expect(prod(tensor([true, false])).item()).toBe(0);
  });

  it('gives 1 over zero elements', () => {
    expect(prod(tensor([], { shape: [2, 0] }), { axis: 1 }).toArray()).toEqual([1, 1]);
  });

  it('matches an explicit loop for any axes, keepDim and layout', () => {
    fc.assert(
      fc.property(
        reduceCases((n) => fc.array(finite(-2, 2), { minLength: n, maxLength: n })),
        (c) => {
          const out = prod(caseTensor(c), optionsOf(c));
          const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, product);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
        },
      ),
    );
  });

  it('gives the product of the others at zeros like PyTorch', () => {
    // x.prod(1).backward(ones) for rows with one zero, two zeros and none:
    // [[0, 6, 0], [0, 0, 0], [6, 3, 2]]
    const x = tensor(
      [
        [2, 0, 3],
        [0, 0, 4],
        [1, 2, 3],
      ],
      { requiresGrad: true },
    );
    prod(x, { axis: 1 }).backward(tensor([1, 1, 1]));
    expectClose(x.grad!.toTypedArray(), [0, 6, 0, 0, 0, 0, 6, 3, 2], tolerance(1e-6));
  });

  it('has gradients matching finite differences, zeros included', () => {
    // Integers in [-3, 3] hit zeros often; a product is linear in each element, so central
    // differences are exact there.
    fc.assert(
      fc.property(
        reduceCases((n) => fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n })),
        (c) => {
          checkCaseGradients(c, (t) => prod(t, optionsOf(c)));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => prod(tensor([1, 2]), { axis: -2 })).toThrow(InvalidArgumentError);
    expect(() => prod(tensor([1, 2]), { axis: -2 })).toThrow(/^prod: axis must be an integer/);
  });
});
