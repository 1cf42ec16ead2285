import { InvalidArgumentError, ShapeError, type Tensor, tensor } from '@attnkit/tensor';
import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { crossEntropy } from './cross-entropy.js';

const ints = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

/** The PyTorch formula with an explicit loop, in float64. */
function reference(logits: number[][], targets: number[], ignoreIndex: number, eps: number): number[] {
  return logits.map((row, i) => {
    if (targets[i] === ignoreIndex) return 0;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
    const logp = row.map((x) => x - lse);
    const nll = -logp[targets[i]!]!;
    const smooth = -logp.reduce((s, x) => s + x, 0) / row.length;
    return (1 - eps) * nll + eps * smooth;
  });
}

describe('crossEntropy', () => {
  it('gives −log softmax of the target class (0.4170 for logits [2, 1, 0.1] and class 0)', () => {
    expect(crossEntropy(tensor([[2, 1, 0.1]]), ints([0])).item()).toBeCloseTo(0.417, 4);
  });

  it('takes the class axis last for sequences and averages over the non-ignored targets', () => {
    const logits = tensor(
      [
        [
          [0, 0],
          [0, 10],
        ],
        [
          [5, 0],
          [1, 1],
        ],
      ],
      { dtype: 'float64' },
    ); // (2, 2, 2)
    const targets = ints([
      [0, -100],
      [0, 1],
    ]);
    const none = crossEntropy(logits, targets, { reduction: 'none' });
    expect(none.shape).toEqual([2, 2]);
    const expected = [Math.log(2), 0, Math.log(1 + Math.exp(-5)), Math.log(2)];
    expectAllClose(none, expected, 1e-12, 0);
    expect(crossEntropy(logits, targets).item()).toBeCloseTo(
      (expected[0]! + expected[2]! + expected[3]!) / 3,
      12,
    );
    expect(crossEntropy(logits, targets, { reduction: 'sum' }).item()).toBeCloseTo(
      expected[0]! + expected[2]! + expected[3]!,
      12,
    );
  });

  it('honours a custom ignoreIndex inside the class range', () => {
    const logits = tensor(
      [
        [3, 1],
        [1, 3],
      ],
      { dtype: 'float64' },
    );
    const loss = crossEntropy(logits, ints([1, 0]), { ignoreIndex: 0, reduction: 'none' });
    expectAllClose(loss, [Math.log(1 + Math.exp(2)), 0], 1e-12, 0);
  });

  it('gives log C for uniform logits whatever the label smoothing', () => {
    for (const labelSmoothing of [0, 0.1, 1]) {
      expect(crossEntropy(tensor([[0, 0, 0, 0]]), ints([2]), { labelSmoothing }).item()).toBeCloseTo(
        Math.log(4),
        6,
      );
    }
  });

  it('gives NaN for the mean and 0 for the sum when every target is ignored, as PyTorch', () => {
    const logits = tensor([[1, 2]]);
    expect(Number.isNaN(crossEntropy(logits, ints([-100])).item())).toBe(true);
    expect(crossEntropy(logits, ints([-100]), { reduction: 'sum' }).item()).toBeCloseTo(0, 12);
  });

  it('accepts unbatched logits (C) with a 0-d target', () => {
    expect(
      crossEntropy(tensor([0, Math.log(3)], { dtype: 'float64' }), tensor(1, { dtype: 'int32' })).item(),
    ).toBeCloseTo(Math.log(4 / 3), 12);
  });

  it('equals the PyTorch formula computed by a loop, with ignored targets and smoothing', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((classes) =>
          fc.tuple(
            fc.array(
              fc.array(fc.double({ min: -20, max: 20, noNaN: true }), {
                minLength: classes,
                maxLength: classes,
              }),
              {
                minLength: 1,
                maxLength: 6,
              },
            ),
            fc.array(fc.integer({ min: -1, max: classes - 1 }), { minLength: 6, maxLength: 6 }),
          ),
        ),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ([rows, rawTargets], eps) => {
          const targets = rows.map((_, i) => rawTargets[i]!);
          const losses = reference(rows, targets, -1, eps);
          const out = crossEntropy(tensor(rows, { dtype: 'float64' }), ints(targets), {
            ignoreIndex: -1,
            labelSmoothing: eps,
            reduction: 'none',
          });
          expectAllClose(out, losses, 1e-9, 1e-9);
          expect(Math.min(...out.toTypedArray())).toBeGreaterThanOrEqual(-1e-12);
        },
      ),
    );
  });

  it('has the gradient of finite differences, with ignored targets and smoothing', () => {
    const logits = tensor(
      [
        [
          [0.2, -1, 0.5],
          [1, 2, -0.5],
        ],
        [
          [0, 0.3, 0.1],
          [-2, 0.4, 1.5],
        ],
      ],
      {
        requiresGrad: true,
        dtype: 'float64',
      },
    );
    const targets = ints([
      [2, -100],
      [0, 1],
    ]);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      checkGradients((x: Tensor) => crossEntropy(x, targets, { reduction, labelSmoothing: 0.2 }), [logits]);
    }
  });

  it('throws ShapeError when targets do not match logits without its class axis', () => {
    expect(() => crossEntropy(tensor([[1, 2, 3]]), ints([[0]]))).toThrow(
      'crossEntropy: targets must have shape (1) to match logits (1, 3); got (1, 1).',
    );
  });

  it('throws ShapeError for 0-d logits or logits without classes', () => {
    expect(() => crossEntropy(tensor(1), tensor(0, { dtype: 'int32' }))).toThrow(ShapeError);
    expect(() => crossEntropy(tensor([[], []]), ints([0, 0]))).toThrow(
      'crossEntropy: logits must have shape (..., C) with C ≥ 1; got (2, 0).',
    );
  });

  it('throws InvalidArgumentError for non-float logits or non-int32 targets', () => {
    expect(() => crossEntropy(ints([[1, 2]]), ints([0]))).toThrow(
      'crossEntropy: logits must have dtype float32 or float64; got int32.',
    );
    expect(() => crossEntropy(tensor([[1, 2]]), tensor([0]))).toThrow(
      'crossEntropy: targets must have dtype int32; got float32.',
    );
  });

  it('throws InvalidArgumentError for a target outside [0, C) that is not ignoreIndex', () => {
    expect(() => crossEntropy(tensor([[1, 2]]), ints([2]))).toThrow(
      'crossEntropy: targets must lie in [0, 2) or equal ignoreIndex -100; got 2 at flat index 0.',
    );
    expect(() =>
      crossEntropy(
        tensor([
          [1, 2],
          [3, 4],
        ]),
        ints([0, -1]),
      ),
    ).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a fractional ignoreIndex, labelSmoothing outside [0, 1] or an unknown reduction', () => {
    const args = [tensor([[1, 2]]), ints([0])] as const;
    expect(() => crossEntropy(...args, { ignoreIndex: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => crossEntropy(...args, { labelSmoothing: 1.5 })).toThrow(
      'crossEntropy: labelSmoothing must be a number in [0, 1]; got 1.5.',
    );
    expect(() => crossEntropy(...args, { reduction: 'batchmean' as 'mean' })).toThrow(InvalidArgumentError);
  });
});
