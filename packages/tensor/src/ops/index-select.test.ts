import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { indexSelect } from './index-select.js';
import { reshape } from './reshape.js';
import { slice } from './slice.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

const int = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('indexSelect', () => {
  it('picks entries along an axis like PyTorch, repeats included', () => {
    // torch.index_select(arange(6.).reshape(2, 3), 1, tensor([2, 0, 2])) == [[2, 0, 2], [5, 3, 5]]
    const x = reshape(arange(6), [2, 3]);
    expect(indexSelect(x, 1, int([2, 0, 2])).toArray()).toEqual([
      [2, 0, 2],
      [5, 3, 5],
    ]);
    expect(indexSelect(x, 0, int([1])).toArray()).toEqual([[3, 4, 5]]);
    expect(indexSelect(x, -1, int([])).shape).toEqual([2, 0]);
  });

  it('reads strided inputs and indices', () => {
    const x = transpose(reshape(arange(6), [2, 3])); // [[0, 3], [1, 4], [2, 5]]
    const idx = slice(int([2, 9, 0, 9]), 0, 0, undefined, 2); // [2, 0] with stride 2
    expect(indexSelect(x, 0, idx).toArray()).toEqual([
      [2, 5],
      [0, 3],
    ]);
  });

  it('matches an explicit loop', () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (shape, axis, raw) => {
          const index = raw.map((r) => r % shape[axis]!);
          const x = reshape(arange(shape[0] * shape[1] * shape[2]), shape);
          const out = indexSelect(x, axis, int(index));
          const outShape = shape.map((d, j) => (j === axis ? index.length : d));
          expect(out.shape).toEqual(outShape);
          const flat = out.toTypedArray();
          let p = 0;
          for (let i = 0; i < outShape[0]!; i++)
            for (let j = 0; j < outShape[1]!; j++)
              for (let k = 0; k < outShape[2]!; k++) {
                const src = [i, j, k];
                src[axis] = index[src[axis]!]!;
                expect(flat[p++]).toBe((src[0]! * shape[1] + src[1]!) * shape[2] + src[2]!);
              }
        },
      ),
    );
  });

  it('scatter-adds the gradient, accumulating repeated indices', () => {
    // PyTorch: x.grad == [[1, 0, 2], [1, 0, 2]] for index [2, 0, 2] on axis 1
    const x = tensor(
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
      { requiresGrad: true },
    );
    sum(indexSelect(x, 1, int([2, 0, 2]))).backward();
    expect(x.grad?.toArray()).toEqual([
      [1, 0, 2],
      [1, 0, 2],
    ]);
    const values = Array.from({ length: 12 }, (_, i) => Math.sin(i));
    checkGradients(
      (v) => indexSelect(v, 1, int([3, 0, 3, 1])),
      [leaf({ shape: [3, 4], values })],
      linearGradientTolerance,
    );
    checkGradients(
      (v) => indexSelect(transpose(v), 0, int([1, 1])),
      [leaf({ shape: [3, 4], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError for a non-int32 index', () => {
    expect(() => indexSelect(arange(3), 0, tensor([0]))).toThrow(InvalidArgumentError);
    expect(() => indexSelect(arange(3), 0, tensor([0]))).toThrow(/index must have dtype int32; got float32/);
  });

  it('throws InvalidArgumentError naming an out-of-range index and its position', () => {
    expect(() => indexSelect(arange(3), 0, int([0, 3]))).toThrow(
      /index values must lie in \[0, 3\).*got 3 at position \(1\)/,
    );
    expect(() => indexSelect(arange(3), 0, int([-1]))).toThrow(InvalidArgumentError);
    expect(() => indexSelect(arange(3), 1, int([0]))).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for an index that is not 1-D or a 0-d x', () => {
    expect(() => indexSelect(arange(3), 0, tensor([[0]], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => indexSelect(arange(3), 0, tensor([[0]], { dtype: 'int32' }))).toThrow(
      /index must have shape \(n\); got \(1, 1\)/,
    );
    expect(() => indexSelect(scalar(1), 0, int([0]))).toThrow(ShapeError);
  });
});
