// argmax and argmin differ only in the comparison, so one suite runs for both: a table row per op
// gives its comparison and its PyTorch examples; generic cases (bad axes, empty tensors) apply to both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseTensor, laneCases, referenceReduce, stridedTensor } from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { type ArgReduceOptions, argmax } from './argmax.js';
import { argmin } from './argmin.js';
import { tensor } from './creation.js';

interface ArgExtremumCase {
  name: string;
  op: (x: Tensor, options?: ArgReduceOptions) => Tensor;
  /** 'largest' or 'smallest'. */
  extreme: string;
  /** Whether `a` beats the current pick `b` (a NaN beats everything, handled by the reference). */
  beats: (a: number, b: number) => boolean;
  /** A (2, 3) matrix whose extremum is tied in row 1; op(x) = 4, the first of the tie. */
  x: number[][];
  /** op(x, options) along an axis, first of ties. */
  alongAxis: [ArgReduceOptions, NestedArray<number>][];
  /** 1-D inputs with NaN or infinities and the index op returns. */
  special: [number[], number][];
  /** Row-major values of a (2, 3) strided view, op over all of it, and op along axis 0. */
  strided: { values: number[]; flat: number; axis0: number[] };
}

const cases: ArgExtremumCase[] = [
  {
    name: 'argmax',
    op: argmax,
    extreme: 'largest',
    beats: (a, b) => a > b,
    // torch.argmax(x) = 4: the first 5 in [1, 2, 3, 1, 5, 5]
    x: [
      [1, 2, 3],
      [1, 5, 5],
    ],
    alongAxis: [
      [{ axis: 1 }, [2, 1]],
      [{ axis: -2 }, [0, 1, 1]],
      [{ axis: 1, keepDim: true }, [[2], [1]]],
    ],
    special: [
      [[1, Number.NaN, 3, Number.NaN], 1],
      [[-Infinity, -Infinity], 0],
    ],
    strided: { values: [1, 9, 3, 4, 5, 6], flat: 1, axis0: [1, 0, 1] },
  },
  {
    name: 'argmin',
    op: argmin,
    extreme: 'smallest',
    beats: (a, b) => a < b,
    // torch.argmin(x) = 4: the first 0 in [3, 2, 1, 4, 0, 0]
    x: [
      [3, 2, 1],
      [4, 0, 0],
    ],
    alongAxis: [
      [{ axis: 1 }, [2, 1]],
      [{ axis: 0 }, [0, 1, 1]],
      [{ axis: -1, keepDim: true }, [[2], [1]]],
    ],
    // torch.argmin(torch.tensor([1., nan, 0.])) = 1
    special: [
      [[1, Number.NaN, 0], 1],
      [[Infinity, Infinity], 0],
    ],
    strided: { values: [1, 9, 3, 4, -5, 6], flat: 4, axis0: [0, 1, 0] },
  },
];

for (const { name, op, extreme, beats, x: rows, alongAxis, special, strided } of cases) {
  /** Index of the first extreme element (a NaN wins), as an explicit loop. */
  const first = (group: number[]): number => {
    let at = 0;
    for (let j = 1; j < group.length; j++) {
      if (Number.isNaN(group[at]!)) break;
      if (Number.isNaN(group[j]!) || beats(group[j]!, group[at]!)) at = j;
    }
    return at;
  };

  describe(name, () => {
    const x = tensor(rows);

    it('indexes the flattened tensor when no axis is given, like PyTorch', () => {
      const out = op(x);
      expect(out.dtype).toBe('int32');
      expect(out.shape).toEqual([]);
      expect(out.item()).toBe(4);
      expect(op(x, { keepDim: true }).shape).toEqual([1, 1]);
    });

    it('searches along an axis and takes the first of ties', () => {
      for (const [options, expected] of alongAxis) expect(op(x, options).toArray()).toEqual(expected);
    });

    it(`treats NaN as the ${extreme} value like PyTorch`, () => {
      for (const [values, index] of special) expect(op(tensor(values)).item()).toBe(index);
    });

    it('flattens a strided view in row-major order and handles a 0-d tensor', () => {
      expect(op(stridedTensor(strided.values, [2, 3])).item()).toBe(strided.flat);
      expect(op(stridedTensor(strided.values, [2, 3]), { axis: 0 }).toArray()).toEqual(strided.axis0);
      expect(op(tensor(3), { axis: -1 }).item()).toBe(0);
    });

    it('matches an explicit loop along any axis, ties included', () => {
      fc.assert(
        fc.property(
          laneCases((n) => fc.array(fc.integer({ min: -2, max: 2 }), { minLength: n, maxLength: n })),
          fc.boolean(),
          (c, keepDim) => {
            const out = op(caseTensor(c), { axis: c.axis, keepDim });
            const ref = referenceReduce(c.shape, c.values, [c.axis], keepDim, first);
            expect(out.shape).toEqual(ref.shape);
            expect(Array.from(out.toTypedArray())).toEqual(ref.values);
            expect(op(caseTensor(c)).item()).toBe(first(c.values));
          },
        ),
      );
    });

    it('records no gradient', () => {
      expect(op(tensor([1, 3, 2], { requiresGrad: true })).requiresGrad).toBe(false);
    });

    it('throws InvalidArgumentError for an axis out of range', () => {
      for (const axis of [2, -3, 1.5]) {
        expect(() => op(x, { axis })).toThrow(InvalidArgumentError);
        expect(() => op(x, { axis })).toThrow(new RegExp(`^${name}: axis must be an integer`));
      }
    });

    it('throws InvalidArgumentError when the searched axis or tensor is empty', () => {
      const empty: [number[], ArgReduceOptions][] = [
        [[2, 0], { axis: 1 }],
        [[0, 2], { axis: 0 }],
        [[0, 2], {}],
        [[0], {}],
      ];
      for (const [shape, options] of empty) {
        expect(() => op(tensor([], { shape }), options)).toThrow(InvalidArgumentError);
        expect(() => op(tensor([], { shape }), options)).toThrow(
          new RegExp(`^${name}: x must have a non-zero extent`),
        );
      }
    });
  });
}
