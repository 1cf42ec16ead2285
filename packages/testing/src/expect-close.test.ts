import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectClose } from './expect-close.js';
import { shapes } from './shapes.js';
import { tensors } from './tensors.js';

/** The error expectClose throws, or undefined. */
function failure(run: () => void): Error | undefined {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('expectClose', () => {
  it('passes for values within atol + rtol·|expected| (PyTorch float32 defaults)', () => {
    expect(() => expectClose(tensor([1, 2, 3]), [1 + 9e-6, 2, 3 - 9e-6])).not.toThrow();
    // 1000 · 1.3e-6 = 1.3e-3 of relative slack on top of atol.
    expect(() => expectClose(1000.0013, 1000)).not.toThrow();
    expect(() => expectClose(1000.0014, 1000)).toThrow(/1 of 1 elements differ/);
  });

  it('compares tensors, numbers, nested arrays, typed arrays and bool tensors interchangeably', () => {
    expect(() => expectClose(tensor([[1, 2]]), [[1, 2]])).not.toThrow();
    expect(() => expectClose(3, tensor(3, { dtype: 'float64' }))).not.toThrow();
    expect(() => expectClose(new Float64Array([0.5, 1]), tensor([0.5, 1]))).not.toThrow();
    expect(() => expectClose(tensor([true, false]), [1, 0])).not.toThrow();
    expect(() => expectClose([true, false], [1, 1])).toThrow(/1 of 2 elements differ/);
  });

  it('honours custom atol and rtol', () => {
    expect(() => expectClose(1.05, 1, { atol: 0.1 })).not.toThrow();
    expect(() => expectClose(1.05, 1, { atol: 0, rtol: 0.01 })).toThrow();
    expect(() => expectClose(110, 100, { atol: 0, rtol: 0.1 })).not.toThrow();
  });

  it('treats NaN as equal to NaN only with equalNan, and infinities only as themselves', () => {
    expect(() => expectClose([Number.NaN, 1], [Number.NaN, 1])).toThrow(/actual NaN, expected NaN/);
    expect(() => expectClose([Number.NaN, 1], [Number.NaN, 1], { equalNan: true })).not.toThrow();
    expect(() => expectClose(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).not.toThrow();
    expect(() => expectClose(1e30, Number.POSITIVE_INFINITY)).toThrow(/expected Infinity/);
    expect(() => expectClose(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toThrow();
  });

  it('passes for any tensor against itself plus perturbations below atol', () => {
    fc.assert(
      fc.property(tensors({ dtype: 'float64' }), fc.double({ min: -0.9, max: 0.9, noNaN: true }), (x, t) => {
        const shifted = Array.from(x.toTypedArray(), (v) => v + t * 1e-5);
        expectClose(x, tensor(shifted, { shape: x.shape, dtype: 'float64' }));
      }),
    );
  });

  it('reports the count and index of elements moved beyond the tolerance', () => {
    const shapeAndIndex = shapes({ minRank: 1 }).chain((shape) =>
      fc.tuple(fc.constant(shape), fc.nat(shape.reduce((a, b) => a * b, 1) - 1)),
    );
    fc.assert(
      fc.property(shapeAndIndex, ([shape, at]) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const expected = Array.from({ length: n }, (_, i) => i / 4);
        const actual = expected.slice();
        actual[at] = actual[at]! + 0.5;
        const error = failure(() => expectClose(tensor(actual, { shape }), tensor(expected, { shape })));
        expect(error?.message).toContain(`1 of ${n} elements differ`);
        let rest = at;
        const index = shape.map(() => 0);
        for (let k = shape.length - 1; k >= 0; k--) {
          index[k] = rest % shape[k]!;
          rest = Math.floor(rest / shape[k]!);
        }
        expect(error?.message).toContain(`Worst at index (${index.join(', ')})`);
      }),
    );
  });

  it('throws an Error naming both shapes when they differ', () => {
    expect(() => expectClose(tensor([[1, 2, 3]]), tensor([1, 2, 3]))).toThrow(
      'expectClose: actual must have shape (3) like expected; got (1, 3).',
    );
    expect(() => expectClose(tensor([1, 2]), 1)).toThrow(/must have shape \(\) like expected; got \(2\)/);
  });

  it('throws an Error with the mismatch count, worst index, values and abs and rel diff', () => {
    const error = failure(() =>
      expectClose(
        tensor([
          [0, 1, 2],
          [3, 4, 5.5],
        ]),
        [
          [0, 1.0001, 2],
          [3, 4, 5],
        ],
      ),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/^expectClose: 2 of 6 elements differ \(33\.3%\) beyond atol 1e-5/);
    expect(error?.message).toContain(
      'Worst at index (1, 2): actual 5.5, expected 5 (abs diff 0.5, rel diff 0.1)',
    );
  });

  it('throws InvalidArgumentError for a ragged nested array', () => {
    expect(() =>
      expectClose(
        [[1, 2], [3]],
        [
          [1, 2],
          [3, 4],
        ],
      ),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      expectClose(
        [
          [1, 2],
          [3, 4],
        ],
        [[1], [2, 3]],
      ),
    ).toThrow(/expected must be a rectangular nested array; got ragged rows under shape \(2, 1\)/);
  });
});
