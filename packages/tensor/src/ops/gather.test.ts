import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { scalar, tensor } from './creation.js';
import { gather } from './gather.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

const int = (v: number[][]) => tensor(v, { dtype: 'int32' });

describe('gather', () => {
  it('reads along an axis like PyTorch', () => {
    const x = reshape(arange(12), [3, 4]);
    // torch.gather(arange(12.).reshape(3, 4), 1, [[0, 0], [1, 0], [3, 2]]) == [[0, 0], [5, 4], [11, 10]]
    expect(
      gather(
        x,
        1,
        int([
          [0, 0],
          [1, 0],
          [3, 2],
        ]),
      ).toArray(),
    ).toEqual([
      [0, 0],
      [5, 4],
      [11, 10],
    ]);
    // torch.gather(x, 0, [[2, 0, 1, 2]]) == [[8, 1, 6, 11]]
    expect(gather(x, 0, int([[2, 0, 1, 2]])).toArray()).toEqual([[8, 1, 6, 11]]);
  });

  it('picks one entry per row for a (batch, 1) index, as used for cross-entropy', () => {
    const logits = transpose(reshape(arange(6), [3, 2])); // [[0, 2, 4], [1, 3, 5]]
    expect(gather(logits, -1, int([[2], [0]])).toArray()).toEqual([[4], [1]]);
  });

  it('matches an explicit loop', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
        fc.integer({ min: 0, max: 1 }),
        fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })),
        fc.array(fc.nat(), { minLength: 36, maxLength: 36 }),
        (shape, axis, ext, raw) => {
          // Off the axis, index extents must not exceed x's; along it they are free.
          const ishape = shape.map((d, j) => (j === axis ? ext[j]! : Math.min(ext[j]!, d)));
          const ivals = raw.slice(0, ishape[0]! * ishape[1]!).map((r) => r % shape[axis]!);
          const x = reshape(arange(shape[0] * shape[1]), shape);
          const index = tensor(ivals, { shape: ishape, dtype: 'int32' });
          const flat = gather(x, axis, index).toTypedArray();
          for (let i = 0; i < ishape[0]!; i++)
            for (let j = 0; j < ishape[1]!; j++) {
              const k = ivals[i * ishape[1]! + j]!;
              const [r, c] = axis === 0 ? [k, j] : [i, k];
              expect(flat[i * ishape[1]! + j]).toBe(r * shape[1] + c);
            }
        },
      ),
    );
  });

  it('scatter-adds the gradient into zeros of x’s shape', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    sum(
      gather(
        x,
        1,
        int([
          [0, 0, 1],
          [1, 1, 1],
        ]),
      ),
    ).backward();
    expect(x.grad?.toArray()).toEqual([
      [2, 1],
      [0, 3],
    ]);
    const values = Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const index = int([
      [2, 0, 2],
      [1, 1, 0],
    ]);
    checkGradients((v) => gather(v, 1, index), [leaf({ shape: [3, 4], values })], linearGradientTolerance);
    checkGradients(
      (v) => gather(transpose(v), 0, index),
      [leaf({ shape: [3, 4], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError for a non-int32 index', () => {
    expect(() => gather(arange(3), 0, tensor([0]))).toThrow(
      /gather: index must have dtype int32; got float32/,
    );
  });

  it('throws InvalidArgumentError naming an out-of-range index and its position', () => {
    const x = reshape(arange(6), [2, 3]);
    expect(() =>
      gather(
        x,
        1,
        int([
          [0, 1],
          [3, 0],
        ]),
      ),
    ).toThrow(/index values must lie in \[0, 3\).*got 3 at position \(1, 0\)/);
    expect(() => gather(x, 0, int([[-1]]))).toThrow(InvalidArgumentError);
    expect(() => gather(x, 2, int([[0]]))).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError naming both shapes for an index of another rank or too large off the axis', () => {
    const x = reshape(arange(6), [2, 3]);
    expect(() => gather(x, 1, tensor([0], { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => gather(x, 1, int([[0], [0], [0]]))).toThrow(
      /index must have the rank of x \(2, 3\) and no larger extent off axis 1; got \(3, 1\)/,
    );
    expect(() => gather(scalar(1), 0, tensor(0, { dtype: 'int32' }))).toThrow(ShapeError);
  });
});
