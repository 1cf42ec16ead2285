import { InvalidArgumentError, ones, ShapeError, type Tensor, tensor } from '@attnkit/tensor';
import { checkGradients } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { maskedSoftmaxCELoss } from './masked-softmax-ce-loss.js';

const ints = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

describe('maskedSoftmaxCELoss', () => {
  it('reproduces D2L §10.7: [2.3026, 1.1513, 0] for ones(3, 4, 10) and validLen [4, 2, 0]', () => {
    const loss = maskedSoftmaxCELoss(ones([3, 4, 10]), ones([3, 4], { dtype: 'int32' }), ints([4, 2, 0]));
    expectAllClose(loss, [Math.log(10), Math.log(10) / 2, 0], 1e-6, 1e-6); // D2L prints [2.3026, 1.1513, 0]
  });

  it('accepts validLen as a number array and rejects lengths beyond steps (no clamping)', () => {
    const pred = tensor(
      [
        [
          [0, 1],
          [2, 0],
          [1, 1],
        ],
      ],
      { dtype: 'float64' },
    );
    const label = ints([[1, 0, 0]]);
    const full = maskedSoftmaxCELoss(pred, label, [3]).item();
    expect(maskedSoftmaxCELoss(pred, label, ints([3])).item()).toBeCloseTo(full, 12);
    expect(() => maskedSoftmaxCELoss(pred, label, [7])).toThrow(
      'maskedSoftmaxCELoss: validLen must hold integers in [0, steps = 3]; got 7 at index 0.',
    );
  });

  it('equals the masked per-step cross-entropy averaged over all steps, by a loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 2, max: 5 }),
        fc.infiniteStream(fc.double({ min: -5, max: 5, noNaN: true })),
        fc.infiniteStream(fc.nat()),
        (batch, steps, vocab, xs, ns) => {
          const it = xs[Symbol.iterator]();
          const nt = ns[Symbol.iterator]();
          const pred = Array.from({ length: batch }, () =>
            Array.from({ length: steps }, () =>
              Array.from({ length: vocab }, () => it.next().value as number),
            ),
          );
          const label = pred.map((row) => row.map(() => (nt.next().value as number) % vocab));
          const lens = pred.map(() => (nt.next().value as number) % (steps + 1));
          const expected = pred.map((row, b) => {
            let total = 0;
            row.forEach((logits, s) => {
              if (s >= lens[b]!) return;
              const lse = Math.log(logits.reduce((acc, x) => acc + Math.exp(x), 0));
              total += lse - logits[label[b]![s]!]!;
            });
            return total / steps;
          });
          expectAllClose(
            maskedSoftmaxCELoss(tensor(pred, { dtype: 'float64' }), ints(label), lens),
            expected,
            1e-9,
            1e-9,
          );
        },
      ),
    );
  });

  it('has the gradient of finite differences (zero on masked steps)', () => {
    const pred = tensor(
      [
        [
          [0.1, 0.5, -1],
          [2, 0, 1],
          [0.3, 0.3, -0.2],
        ],
        [
          [1, -1, 0],
          [0.5, 0.2, 0.1],
          [-1, 2, 0],
        ],
      ],
      { requiresGrad: true, dtype: 'float64' },
    );
    const label = ints([
      [0, 2, 1],
      [1, 1, 0],
    ]);
    checkGradients((x: Tensor) => maskedSoftmaxCELoss(x, label, [2, 3]), [pred]);
    maskedSoftmaxCELoss(pred, label, [2, 3]).backward(tensor([1, 1], { dtype: 'float64' }));
    expectAllClose((pred.grad as Tensor).toTypedArray().slice(6, 9), [0, 0, 0], 0, 0);
  });

  it('throws ShapeError when pred is not 3-d or label or validLen does not match it', () => {
    expect(() => maskedSoftmaxCELoss(ones([3, 4]), ints([[1]]), [1])).toThrow(
      'maskedSoftmaxCELoss: pred must have shape (batch, steps, vocab); got (3, 4).',
    );
    expect(() => maskedSoftmaxCELoss(ones([2, 3, 4]), ones([2, 2], { dtype: 'int32' }), [1, 1])).toThrow(
      ShapeError,
    );
    expect(() => maskedSoftmaxCELoss(ones([2, 3, 4]), ones([2, 3], { dtype: 'int32' }), [1])).toThrow(
      'maskedSoftmaxCELoss: validLen must have shape (2) to match pred (2, 3, 4); got (1).',
    );
  });

  it('throws InvalidArgumentError for a negative or fractional length or a validLen of the wrong type', () => {
    const pred = ones([2, 3, 4]);
    const label = ones([2, 3], { dtype: 'int32' });
    expect(() => maskedSoftmaxCELoss(pred, label, [1, -1])).toThrow(
      /^maskedSoftmaxCELoss: validLen must hold integers in \[0, steps = \d+\]; got -1 at index 1\.$/,
    );
    expect(() => maskedSoftmaxCELoss(pred, label, tensor([1.5, 2]))).toThrow(InvalidArgumentError);
    expect(() => maskedSoftmaxCELoss(pred, label, '12' as unknown as number[])).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when label is not int32 or holds a token outside the vocabulary', () => {
    expect(() => maskedSoftmaxCELoss(ones([1, 2, 3]), ones([1, 2]), [2])).toThrow(InvalidArgumentError);
    expect(() => maskedSoftmaxCELoss(ones([1, 2, 3]), ints([[0, 3]]), [2])).toThrow(InvalidArgumentError);
  });
});
