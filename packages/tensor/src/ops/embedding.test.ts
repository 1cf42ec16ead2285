import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { arange } from './arange.js';
import { tensor } from './creation.js';
import { embedding } from './embedding.js';
import { reshape } from './reshape.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

describe('embedding', () => {
  it('looks up rows like PyTorch', () => {
    // F.embedding(tensor([[0, 2], [2, 3]]), arange(8.).reshape(4, 2))
    const weight = reshape(arange(8, undefined, 1, { dtype: 'float32' }), [4, 2]);
    const out = embedding(
      tensor(
        [
          [0, 2],
          [2, 3],
        ],
        { dtype: 'int32' },
      ),
      weight,
    );
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([
      [
        [0, 1],
        [4, 5],
      ],
      [
        [4, 5],
        [6, 7],
      ],
    ]);
    expect(embedding(tensor(3, { dtype: 'int32' }), weight).toArray()).toEqual([6, 7]);
  });

  it('reads a transposed (strided) weight', () => {
    const weight = transpose(reshape(arange(6), [2, 3])); // rows [0, 3], [1, 4], [2, 5]
    expect(embedding(tensor([2, 0], { dtype: 'int32' }), weight).toArray()).toEqual([
      [2, 5],
      [0, 3],
    ]);
  });

  it('matches an explicit loop for indices of any shape', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 27, maxLength: 27 }),
        (ishape, rows, d, raw) => {
          const n = ishape.reduce((p, q) => p * q, 1);
          const ids = raw.slice(0, n).map((r) => r % rows);
          const weight = reshape(arange(rows * d), [rows, d]);
          const out = embedding(tensor(ids, { shape: ishape, dtype: 'int32' }), weight);
          expect(out.shape).toEqual([...ishape, d]);
          const flat = out.toTypedArray();
          ids.forEach((id, p) => {
            for (let j = 0; j < d; j++) expect(flat[p * d + j]).toBe(id * d + j);
          });
        },
      ),
    );
  });

  it('scatter-adds gradient rows into weight, accumulating repeated indices', () => {
    // PyTorch: weight.grad == [[1, 1], [0, 0], [2, 2], [1, 1]] after sum().backward()
    const weight = tensor(
      [
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
      ],
      { requiresGrad: true },
    );
    sum(
      embedding(
        tensor(
          [
            [0, 2],
            [2, 3],
          ],
          { dtype: 'int32' },
        ),
        weight,
      ),
    ).backward();
    expect(weight.grad?.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
      [1, 1],
    ]);
    const ids = tensor(
      [
        [1, 3, 1],
        [0, 1, 2],
      ],
      { dtype: 'int32' },
    );
    const values = Array.from({ length: 12 }, (_, i) => Math.sin(i));
    checkGradients((w) => embedding(ids, w), [leaf({ shape: [4, 3], values })], linearGradientTolerance);
    checkGradients(
      (w) => embedding(ids, transpose(w)),
      [leaf({ shape: [3, 4], values })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError naming an out-of-range index and its position', () => {
    const weight = reshape(arange(8), [4, 2]);
    expect(() =>
      embedding(
        tensor(
          [
            [0, 1],
            [4, 2],
          ],
          { dtype: 'int32' },
        ),
        weight,
      ),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      embedding(
        tensor(
          [
            [0, 1],
            [4, 2],
          ],
          { dtype: 'int32' },
        ),
        weight,
      ),
    ).toThrow(
      /embedding: indices values must lie in \[0, 4\) \(rows of weight \(4, 2\)\); got 4 at position \(1, 0\)/,
    );
    expect(() => embedding(tensor([-1], { dtype: 'int32' }), weight)).toThrow(/got -1 at position \(0\)/);
  });

  it('throws InvalidArgumentError for non-int32 indices', () => {
    expect(() => embedding(tensor([0]), reshape(arange(8), [4, 2]))).toThrow(
      /indices must have dtype int32; got float32/,
    );
  });

  it('throws ShapeError for a weight that is not 2-D', () => {
    expect(() => embedding(tensor([0], { dtype: 'int32' }), arange(4))).toThrow(ShapeError);
    expect(() => embedding(tensor([0], { dtype: 'int32' }), arange(4))).toThrow(
      /weight must have shape \(numEmbeddings, d\); got \(4\)/,
    );
  });
});
