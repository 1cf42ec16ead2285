import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { tensor } from './creation.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';

/** Row-major flat position of `idx` in `shape`. */
function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((p, i, d) => p * shape[d]! + i, 0);
}

/** Every multi-index of `shape` in row-major order. */
function indices(shape: readonly number[]): number[][] {
  return shape.reduce<number[][]>(
    (acc, n) => acc.flatMap((p) => [...Array(n).keys()].map((i) => [...p, i])),
    [[]],
  );
}

/** A shape of rank 1–4 (sides 1–4) and a permutation of its axes. */
const shapeAndPerm = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 })
  .chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.shuffledSubarray([...shape.keys()], { minLength: shape.length, maxLength: shape.length }),
    ),
  );

describe('permute', () => {
  it('reorders axes like PyTorch', () => {
    // torch.arange(24).reshape(2, 3, 4).permute(2, 0, 1)[1] == [[1, 5, 9], [13, 17, 21]]
    const out = permute(reshape(arange(24), [2, 3, 4]), [2, 0, 1]);
    expect(out.shape).toEqual([4, 2, 3]);
    expect((out.toArray() as number[][][])[1]).toEqual([
      [1, 5, 9],
      [13, 17, 21],
    ]);
  });

  it('accepts negative axes', () => {
    expect(permute(tensor([[1, 2, 3]]), [-1, -2]).toArray()).toEqual([[1], [2], [3]]);
  });

  it('returns a view that shares storage and copies nothing', () => {
    const x = reshape(arange(6), [2, 3]);
    const out = permute(x, [1, 0]);
    expect(out.nd.data).toBe(x.nd.data);
    expect(out.isContiguous()).toBe(false);
    expect(out.nd.stride).toEqual([1, 3]);
  });

  it('matches an explicit loop: out[i] = x[i permuted back]', () => {
    fc.assert(
      fc.property(shapeAndPerm, ([shape, perm]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = reshape(arange(n), shape);
        const out = permute(x, perm);
        const flat = out.toTypedArray();
        const outShape = perm.map((a) => shape[a]!);
        for (const idx of indices(outShape)) {
          const src = new Array<number>(shape.length);
          perm.forEach((a, i) => {
            src[a] = idx[i]!;
          });
          expect(flat[ravel(idx, outShape)]).toBe(ravel(src, shape));
        }
      }),
    );
  });

  it('is undone by the inverse permutation', () => {
    fc.assert(
      fc.property(shapeAndPerm, ([shape, perm]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = reshape(arange(n), shape);
        const inverse = new Array<number>(perm.length);
        perm.forEach((a, i) => {
          inverse[a] = i;
        });
        const back = permute(permute(x, perm), inverse);
        expect(back.shape).toEqual(shape);
        expect(back.nd.stride).toEqual(x.nd.stride);
        expect(Array.from(back.toTypedArray())).toEqual(Array.from(x.toTypedArray()));
      }),
    );
  });

  it('passes the gradient back through the inverse permutation', () => {
    const values = Array.from({ length: 24 }, (_, i) => Math.sin(i));
    checkGradients(
      (x) => permute(x, [2, 0, 1]),
      [leaf({ shape: [2, 3, 4], values })],
      linearGradientTolerance,
    );
    checkGradients(
      (x) => permute(x, [1, 2, 0]),
      [leaf({ shape: [2, 3, 4], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError when axes is not a permutation', () => {
    const x = tensor([[[1]]]);
    expect(() => permute(x, [0, 1])).toThrow(InvalidArgumentError);
    expect(() => permute(x, [0, 0, 1])).toThrow(/permutation of \[0, 1, 2\].*got \[0, 0, 1\]/);
    expect(() => permute(x, [0, 1, 3])).toThrow(InvalidArgumentError);
  });
});
