import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finite, gradientTolerance, tolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { tensor } from './creation.js';
import { gather } from './gather.js';
import { logSoftmax } from './log-softmax.js';
import { softmaxCrossEntropy, softmaxCrossEntropyOp } from './softmax-cross-entropy.js';

const ids = (values: number[], shape: number[]) => tensor(values, { shape, dtype: 'int32' });

describe('softmaxCrossEntropy', () => {
  it('gives −log softmax at the target (mean, sum, none)', () => {
    const logits = tensor(
      [
        [2, 1, 0.1],
        [0, 0, 5],
      ],
      { dtype: 'float64' },
    );
    const t = ids([0, 1], [2]);
    const nll = gather(logSoftmax(logits), -1, ids([0, 1], [2, 1])).toTypedArray();
    expectClose(
      softmaxCrossEntropy(logits, t, { reduction: 'none' }),
      [-nll[0]!, -nll[1]!],
      tolerance(1e-12),
    );
    expectClose(softmaxCrossEntropy(logits, t, { reduction: 'sum' }), -nll[0]! - nll[1]!, tolerance(1e-12));
    expectClose(softmaxCrossEntropy(logits, t), (-nll[0]! - nll[1]!) / 2, tolerance(1e-12));
    expectClose(softmaxCrossEntropy(tensor([[2, 1, 0.1]]), ids([0], [1])), 0.41703, tolerance(1e-6));
  });

  it('ignores ignoreIndex targets in the loss, the count and the gradient', () => {
    const logits = tensor(
      [
        [1, 2, 3],
        [3, 2, 1],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    const loss = softmaxCrossEntropy(logits, ids([2, -100], [2]));
    expectClose(
      loss,
      softmaxCrossEntropy(tensor([[1, 2, 3]], { dtype: 'float64' }), ids([2], [1])),
      tolerance(1e-12),
    );
    loss.backward();
    expectClose(logits.grad!.toTypedArray().slice(3), [0, 0, 0], tolerance(0));
    expect(Number.isNaN(softmaxCrossEntropy(logits, ids([-100, -100], [2])).item())).toBe(true);
  });

  it('has gradients matching finite differences for every reduction and label smoothing', () => {
    const cases = fc.record({
      rows: fc.integer({ min: 1, max: 4 }),
      classes: fc.integer({ min: 1, max: 6 }),
      seed: fc.array(finite(-4, 4), { minLength: 24, maxLength: 24 }),
      picks: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 4, maxLength: 4 }),
      epsilon: fc.constantFrom(0, 0.1, 1),
      reduction: fc.constantFrom('mean' as const, 'sum' as const, 'none' as const),
    });
    fc.assert(
      fc.property(cases, (c) => {
        const values = c.seed.slice(0, c.rows * c.classes);
        const x = tensor(values, { shape: [c.rows, c.classes], dtype: 'float64', requiresGrad: true });
        // At least one kept target, so the mean is defined; -1 is the ignore index here.
        const picks = c.picks.slice(0, c.rows).map((p, i) => (i === 0 ? Math.max(p, 0) : p) % c.classes);
        const t = ids(picks, [c.rows]);
        const options = { reduction: c.reduction, labelSmoothing: c.epsilon, ignoreIndex: -1 };
        checkGradients((xs) => softmaxCrossEntropy(xs, t, options), [x], gradientTolerance);
      }),
      { numRuns: 40 },
    );
  });

  it('is stable for large logits (no overflow) and keeps float32 in float32', () => {
    const out = softmaxCrossEntropy(tensor([[1000, 0, -1000]]), ids([1], [1]));
    expect(out.dtype).toBe('float32');
    expectClose(out, 1000, tolerance(1e-6));
  });

  it('throws naming the argument for bad targets, shapes, dtypes and options', () => {
    const logits = tensor([[1, 2, 3]]);
    expect(() => softmaxCrossEntropy(logits, ids([3], [1]))).toThrow(
      /^softmaxCrossEntropy: targets must lie in \[0, 3\) or equal ignoreIndex -100; got 3 at flat index 0\.$/,
    );
    expect(() => softmaxCrossEntropy(logits, ids([0, 1], [2]))).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(logits, tensor([0]))).toThrow(/targets must have dtype int32/);
    expect(() => softmaxCrossEntropy(ids([1], [1, 1]), ids([0], [1]))).toThrow(InvalidArgumentError);
    expect(() => softmaxCrossEntropy(logits, ids([0], [1]), { labelSmoothing: 2 })).toThrow(
      /labelSmoothing must be a number in \[0, 1\]; got 2/,
    );
    expect(() =>
      softmaxCrossEntropy(logits, ids([0], [1]), { reduce: 'sum' } as unknown as { reduction: 'sum' }),
    ).toThrow(InvalidArgumentError);
    expect(() => softmaxCrossEntropy(logits, ids([0], [1]), { reduction: 'avg' as 'mean' })).toThrow(
      /reduction must be 'mean', 'sum' or 'none'/,
    );
  });

  it('softmaxCrossEntropyOp names its caller in every error and equals softmaxCrossEntropy', () => {
    const logits = tensor([[1, 2, 3]], { dtype: 'float64' });
    expect(() => softmaxCrossEntropyOp('myLoss', logits, ids([3], [1]))).toThrow(/^myLoss: targets must lie/);
    expect(() => softmaxCrossEntropyOp('myLoss', logits, tensor([0]))).toThrow(
      /^myLoss: targets must have dtype/,
    );
    expect(() => softmaxCrossEntropyOp('myLoss', logits, ids([0], [1]), { labelSmoothing: -1 })).toThrow(
      /^myLoss: labelSmoothing/,
    );
    expect(() =>
      softmaxCrossEntropyOp('myLoss', logits, ids([0], [1]), { ignore_index: 0 } as never),
    ).toThrow(/^myLoss: unknown option 'ignore_index'/);
    const options = { labelSmoothing: 0.1, reduction: 'none' } as const;
    expectClose(
      softmaxCrossEntropyOp('myLoss', logits, ids([2], [1]), options),
      softmaxCrossEntropy(logits, ids([2], [1]), options),
      { atol: 0, rtol: 0 },
    );
  });
});
