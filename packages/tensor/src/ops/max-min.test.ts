// max and min differ only in the comparison, so one suite runs for both: a table row per op gives
// its reference and its PyTorch examples; generic cases (bad axes, empty axes) apply to both.
import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkCaseGradients,
  distinctValues,
  finite,
  optionsOf,
  reduceCases,
  referenceReduce,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import type { NestedArray, Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { max } from './max.js';
import { min } from './min.js';
import type { ReduceOptions } from './sum.js';

interface ExtremumCase {
  name: string;
  op: (x: Tensor, options?: ReduceOptions) => Tensor;
  /** The float64 function the op computes over a group, applied by an explicit loop. */
  reference: (group: number[]) => number;
  /** 'largest' or 'smallest'; 'maxima' or 'minima'; 'amax' or 'amin'. */
  words: { extreme: string; plural: string; torch: string };
  /** A (2, 3) matrix with a tie in row 1, op(x) over all axes, and op(x, options) per axis. */
  x: number[][];
  all: number;
  alongAxis: [ReduceOptions, NestedArray<number>][];
  /** op over int32 [-4, 9, 2]. */
  ints: number;
  /** 1-D inputs with infinities or NaN and op over them. */
  special: [number[], number][];
  /** Row-major values of a (2, 3) strided view and op along axis 1. */
  strided: { values: number[]; axis1: number[] };
  /** The backward of op(x, { axis: 1 }) for a gradient g: ties split it evenly. */
  tieGradient: { g: number[]; expected: number[] };
  /** k elements `tie` among others `other`: the ties are the extremum. */
  ties: { tie: number; other: number };
}

const cases: ExtremumCase[] = [
  {
    name: 'max',
    op: max,
    reference: (group) => Math.max(...group),
    words: { extreme: 'largest', plural: 'maxima', torch: 'amax' },
    x: [
      [1, 2, 3],
      [1, 5, 5],
    ],
    all: 5,
    alongAxis: [
      [{ axis: 1 }, [3, 5]],
      [{ axis: 0 }, [1, 5, 5]],
      [{ axis: -1, keepDim: true }, [[3], [5]]],
    ],
    ints: 9,
    special: [
      [[-Infinity, -Infinity], -Infinity],
      [[1, Infinity], Infinity],
      [[1, Number.NaN, 3], Number.NaN],
    ],
    strided: { values: [1, 9, 3, 4, 5, 6], axis1: [9, 6] },
    // torch.amax(x, 1).backward(ones): [[0, 0, 1], [0, 0.5, 0.5]]
    tieGradient: { g: [1, 1], expected: [0, 0, 1, 0, 0.5, 0.5] },
    ties: { tie: 2, other: 1 },
  },
  {
    name: 'min',
    op: min,
    reference: (group) => Math.min(...group),
    words: { extreme: 'smallest', plural: 'minima', torch: 'amin' },
    x: [
      [3, 2, 1],
      [4, 0, 0],
    ],
    all: 0,
    alongAxis: [
      [{ axis: 1 }, [1, 0]],
      [{ axis: 0 }, [3, 0, 0]],
      [{ axis: -1, keepDim: true }, [[1], [0]]],
    ],
    ints: -4,
    special: [
      [[Infinity, Infinity], Infinity],
      [[1, -Infinity], -Infinity],
      [[1, Number.NaN, -3], Number.NaN],
    ],
    strided: { values: [1, 9, 3, 4, -5, 6], axis1: [1, -5] },
    // torch.amin(x, 1).backward(tensor([1., 4.])): [[0, 0, 1], [0, 2, 2]]
    tieGradient: { g: [1, 4], expected: [0, 0, 1, 0, 2, 2] },
    ties: { tie: 1, other: 2 },
  },
];

for (const row of cases) {
  const { name, op, reference, words, all, alongAxis, ints, special, strided, tieGradient, ties } = row;
  describe(name, () => {
    const x = tensor(row.x);

    it(`takes the ${words.extreme} element over an axis like PyTorch ${words.torch}`, () => {
      for (const [options, expected] of alongAxis) expect(op(x, options).toArray()).toEqual(expected);
    });

    it('reduces all axes by default and keeps the dtype', () => {
      expect(op(x).shape).toEqual([]);
      expect(op(x).item()).toBe(all);
      const out = op(tensor([-4, 9, 2], { dtype: 'int32' }));
      expect(out.dtype).toBe('int32');
      expect(out.item()).toBe(ints);
    });

    it('handles infinities and propagates NaN', () => {
      for (const [values, expected] of special) expect(op(tensor(values)).item()).toBe(expected);
    });

    it('reads a strided view and keeps an empty non-reduced axis', () => {
      expect(op(stridedTensor(strided.values, [2, 3]), { axis: 1 }).toArray()).toEqual(strided.axis1);
      expect(op(tensor([], { shape: [0, 3] }), { axis: 1 }).shape).toEqual([0]);
    });

    it('matches an explicit loop for any axes, keepDim and layout', () => {
      fc.assert(
        fc.property(
          reduceCases((n) => fc.array(finite(-10, 10), { minLength: n, maxLength: n })),
          (c) => {
            const out = op(caseTensor(c), optionsOf(c));
            const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, reference);
            expect(out.shape).toEqual(ref.shape);
            expectClose(out.toTypedArray(), ref.values, tolerance(0));
          },
        ),
      );
    });

    it(`splits the gradient evenly among tied ${words.plural} like PyTorch`, () => {
      const a = tensor(row.x, { requiresGrad: true });
      op(a, { axis: 1 }).backward(tensor(tieGradient.g));
      expectClose(a.grad!.toTypedArray(), tieGradient.expected, tolerance(1e-6));
    });

    it(`gives each of k tied ${words.plural} 1/k of the gradient`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), (k, others) => {
          const a = tensor(
            [...new Array<number>(k).fill(ties.tie), ...new Array<number>(others).fill(ties.other)],
            { dtype: 'float64', requiresGrad: true },
          );
          op(a).backward();
          expectClose(
            a.grad!.toTypedArray(),
            [...new Array<number>(k).fill(1 / k), ...new Array<number>(others).fill(0)],
            tolerance(1e-12),
          );
        }),
      );
    });

    it('has gradients matching finite differences without ties', () => {
      fc.assert(
        fc.property(reduceCases(distinctValues), (c) => {
          checkCaseGradients(c, (t) => op(t, optionsOf(c)));
        }),
        { numRuns: 30 },
      );
    });

    it('throws InvalidArgumentError for an axis out of range', () => {
      for (const axis of [2, -3, [0, -3]]) {
        expect(() => op(x, { axis })).toThrow(InvalidArgumentError);
        expect(() => op(x, { axis })).toThrow(new RegExp(`^${name}: axis must be an integer`));
      }
    });

    it('throws InvalidArgumentError when a reduced axis is empty', () => {
      const empty: [number[], ReduceOptions][] = [
        [[0, 3], { axis: 0 }],
        [[2, 0], { axis: 1 }],
        [[2, 0], {}],
        [[0], {}],
      ];
      for (const [shape, options] of empty) {
        expect(() => op(tensor([], { shape }), options)).toThrow(InvalidArgumentError);
        expect(() => op(tensor([], { shape }), options)).toThrow(
          new RegExp(
            `^${name}: x must have a non-zero extent on every reduced axis; got shape \\(${shape.join(', ')}\\)`,
          ),
        );
      }
    });
  });
}
