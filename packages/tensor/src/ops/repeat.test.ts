import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leaf, linearGradientTolerance } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { arange } from './arange.js';
import { tensor } from './creation.js';
import { repeat } from './repeat.js';

describe('repeat', () => {
  it('repeats whole blocks along each axis, as torch.Tensor.repeat', () => {
    expect(repeat(tensor([1, 2, 3]), [2, 2]).toArray()).toEqual([
      [1, 2, 3, 1, 2, 3],
      [1, 2, 3, 1, 2, 3],
    ]);
    expect(repeat(tensor([[1], [2]]), [1, 3]).toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
    // D2L §11.7: torch.arange(1, num_steps + 1).repeat(batch_size, 1)
    expect(repeat(arange(1, 4, 1, { dtype: 'int32' }), [2, 1]).toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(repeat(tensor([1, 2]), [2, 2, 2]).shape).toEqual([2, 2, 4]);
    expect(repeat(tensor([1, 2]), [0]).shape).toEqual([0]);
  });

  it('gives element (i_0, …) = x[i_0 mod d_0, …] for any shape and repeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
        (shape, reps) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const x = arange(0, n).reshape(shape);
          const r = reps.slice(0, shape.length);
          const out = repeat(x, r);
          expect(out.shape).toEqual(shape.map((d, i) => d * r[i]!));
          const flat = Array.from(out.toTypedArray());
          const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
          flat.forEach((v, k) => {
            let rest = k;
            let expected = 0;
            for (let a = shape.length - 1; a >= 0; a--) {
              const ext = out.shape[a]!;
              expected += ((rest % ext) % shape[a]!) * strides[a]!;
              rest = Math.floor(rest / ext);
            }
            expect(v).toBe(expected);
          });
        },
      ),
    );
  });

  it('sums the gradient over the copies', () => {
    checkGradients(
      (x) => repeat(x, [3, 1, 2]),
      [leaf({ shape: [2, 3], values: [1, -2, 3, 0.5, 4, -1] })],
      linearGradientTolerance,
    );
  });

  it('throws InvalidArgumentError for fewer repeats than axes or a negative count', () => {
    expect(() => repeat(tensor([[1, 2]]), [2])).toThrow(InvalidArgumentError);
    expect(() => repeat(tensor([[1, 2]]), [2])).toThrow(
      /at least one entry per axis of x \(1, 2\); got \[2\]/,
    );
    expect(() => repeat(tensor([1]), [-1])).toThrow(/non-negative integers/);
  });
});
