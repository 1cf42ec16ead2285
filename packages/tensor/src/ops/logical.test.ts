import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastableOperands,
  broadcastReference,
  smallShape,
  stridedTensor,
  withValues,
} from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { logicalAnd, logicalNot, logicalOr } from './logical.js';

const bits = fc.integer({ min: 0, max: 1 });
const binary: [
  string,
  (a: Tensor | number, b: Tensor | number) => Tensor,
  (x: boolean, y: boolean) => boolean,
][] = [
  ['logicalAnd', logicalAnd, (x, y) => x && y],
  ['logicalOr', logicalOr, (x, y) => x || y],
];

describe.each(binary)('%s', (_name, op, reference) => {
  it('combines bool tensors with broadcasting like PyTorch', () => {
    const out = op(tensor([[true], [false]]), tensor([true, false]));
    expect(out.dtype).toBe('bool');
    expect(out.toArray()).toEqual([
      [reference(true, true), reference(true, false)],
      [reference(false, true), reference(false, false)],
    ]);
  });

  it('treats nonzero numbers, NaN included, as true', () => {
    // torch.logical_and(torch.tensor([0., 2., nan]), torch.tensor([1., 1., 1.]))
    const out = op(tensor([0, 2, Number.NaN]), tensor([1, 1, 1])).toArray();
    expect(out).toEqual([reference(false, true), reference(true, true), reference(true, true)]);
  });

  it('matches an explicit loop over broadcast indices, strided or not', () => {
    fc.assert(
      fc.property(broadcastableOperands(bits), fc.boolean(), ({ shapeA, a, shapeB, b }, strided) => {
        const ta = strided ? stridedTensor(a, shapeA, 'bool') : tensor(a, { shape: shapeA, dtype: 'bool' });
        const out = op(ta, tensor(b, { shape: shapeB, dtype: 'bool' }));
        const ref = broadcastReference(shapeA, a, shapeB, b, (x, y) => (reference(x === 1, y === 1) ? 1 : 0));
        expect(out.shape).toEqual(ref.shape);
        expect(Array.from(out.toTypedArray())).toEqual(ref.values);
      }),
    );
  });

  it('throws ShapeError naming both shapes when they do not broadcast', () => {
    expect(() => op(tensor([[true, false]]), tensor([true, true, true]))).toThrow(ShapeError);
    expect(() => op(tensor([[true, false]]), tensor([true, true, true]))).toThrow(/\(1, 2\) and b \(3\)/);
  });

  it('throws InvalidArgumentError when neither operand is a Tensor', () => {
    expect(() => op(1, 0)).toThrow(InvalidArgumentError);
  });
});

describe('logicalNot', () => {
  it('negates like PyTorch, nonzero counting as true', () => {
    // torch.logical_not(torch.tensor([True, False])) -> [False, True]
    expect(logicalNot(tensor([true, false])).toArray()).toEqual([false, true]);
    // torch.logical_not(torch.tensor([0., -1., nan])) -> [True, False, False]
    const out = logicalNot(tensor([0, -1, Number.NaN]));
    expect(out.dtype).toBe('bool');
    expect(out.toArray()).toEqual([true, false, false]);
  });

  it('matches an explicit loop on strided inputs', () => {
    fc.assert(
      fc.property(withValues(smallShape(), bits), ({ shape, values }) => {
        const out = logicalNot(stridedTensor(values, shape, 'bool'));
        expect(out.shape).toEqual(shape);
        expect(Array.from(out.toTypedArray())).toEqual(values.map((v) => 1 - v));
      }),
    );
  });

  it('throws InvalidArgumentError when x is not a Tensor', () => {
    expect(() => logicalNot([true] as unknown as Tensor)).toThrow(InvalidArgumentError);
  });
});
