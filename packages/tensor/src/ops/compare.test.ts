import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastableOperands, broadcastReference, stridedTensor } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { eq, ge, gt, le, lt, ne } from './compare.js';
import { tensor } from './creation.js';

type Compare = (a: Tensor | number, b: Tensor | number) => Tensor;
const ops: [string, Compare, (x: number, y: number) => boolean][] = [
  ['eq', eq, (x, y) => x === y],
  ['ne', ne, (x, y) => x !== y],
  ['lt', lt, (x, y) => x < y],
  ['le', le, (x, y) => x <= y],
  ['gt', gt, (x, y) => x > y],
  ['ge', ge, (x, y) => x >= y],
];

// Small integers make ties common, so equality cases are exercised.
const smallInts = fc.integer({ min: -3, max: 3 });

describe.each(ops)('%s', (name, op, reference) => {
  it('compares with broadcasting into a bool tensor like PyTorch', () => {
    // torch.tensor([[1.], [2.]]) <op> torch.tensor([1., 2., 3.])
    const out = op(tensor([[1], [2]]), tensor([1, 2, 3]));
    expect(out.dtype).toBe('bool');
    expect(out.shape).toEqual([2, 3]);
    const expected = [1, 2].map((x) => [1, 2, 3].map((y) => reference(x, y)));
    expect(out.toArray()).toEqual(expected);
  });

  it('treats NaN as unordered and unequal to everything', () => {
    const out = op(tensor([Number.NaN, Number.NaN]), tensor([1, Number.NaN])).toArray();
    expect(out).toEqual(name === 'ne' ? [true, true] : [false, false]);
  });

  it('matches an explicit loop over broadcast indices, strided or not', () => {
    fc.assert(
      fc.property(broadcastableOperands(smallInts), fc.boolean(), ({ shapeA, a, shapeB, b }, strided) => {
        const ta = strided ? stridedTensor(a, shapeA, 'int32') : tensor(a, { shape: shapeA, dtype: 'int32' });
        const out = op(ta, tensor(b, { shape: shapeB }));
        const ref = broadcastReference(shapeA, a, shapeB, b, (x, y) => (reference(x, y) ? 1 : 0));
        expect(out.shape).toEqual(ref.shape);
        expect(Array.from(out.toTypedArray())).toEqual(ref.values);
      }),
    );
  });

  it('records no gradient', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const out = op(a, 1.5);
    expect(out.requiresGrad).toBe(false);
    expect(out.isLeaf).toBe(true);
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => op(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(ShapeError);
    expect(() => op(tensor([[1, 2]]), tensor([1, 2, 3]))).toThrow(/\(1, 2\) and b \(3\)/);
  });

  it('throws InvalidArgumentError when neither operand is a Tensor', () => {
    expect(() => op(1, 2)).toThrow(InvalidArgumentError);
  });
});

describe('comparisons with a number', () => {
  it('compares a number in the float tensor dtype, as PyTorch does', () => {
    // torch.tensor([0.1]) == 0.1 -> True (0.1 is rounded to float32 first)
    expect(eq(tensor([0.1]), 0.1).toArray()).toEqual([true]);
    expect(eq(tensor([0.1], { dtype: 'float64' }), 0.1).toArray()).toEqual([true]);
  });

  it('does not cast a number to bool next to a bool tensor', () => {
    // torch.tensor([True]) == 2 -> False; torch.tensor([True]) == 1 -> True
    expect(eq(tensor([true]), 2).toArray()).toEqual([false]);
    expect(eq(tensor([true]), 1).toArray()).toEqual([true]);
    expect(lt(tensor([1, 2], { dtype: 'int32' }), 1.5).toArray()).toEqual([true, false]);
  });
});
