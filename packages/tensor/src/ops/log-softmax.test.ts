import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkCaseGradients,
  finite,
  laneCases,
  referenceLanes,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { logSoftmax } from './log-softmax.js';
import { softmax } from './softmax.js';

/** v − log Σ exp(v) taken literally, in float64 (exact enough for |v| ≤ 10). */
const naive = (lane: number[]): number[] => {
  const lse = Math.log(lane.reduce((s, v) => s + Math.exp(v), 0));
  return lane.map((v) => v - lse);
};
const floats = (n: number) => fc.array(finite(-10, 10), { minLength: n, maxLength: n });

describe('logSoftmax', () => {
  it('matches PyTorch on the last axis', () => {
    // torch.log_softmax(torch.tensor([[1., 2., 3.]]), -1) = [[-2.40760589, -1.40760589, -0.40760595]]
    const out = logSoftmax(tensor([[1, 2, 3]]));
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [-2.40760589, -1.40760589, -0.40760595], tolerance(1e-6));
  });

  it('keeps the exponent of probabilities that underflow float32', () => {
    // softmax([0, -200])[1] = e^-200 is 0 in float32, but its log is -200.
    const out = logSoftmax(tensor([0, -200])).toTypedArray();
    expectClose(out, [0, -200], tolerance(1e-6));
    expect(softmax(tensor([0, -200])).toTypedArray()[1]).toBe(0);
  });

  it('gives NaN for a lane of all -Infinity, like PyTorch, and -Infinity for a -Infinity logit', () => {
    const out = logSoftmax(tensor([-Infinity, -Infinity, -Infinity, 0], { shape: [2, 2] })).toTypedArray();
    expect(Number.isNaN(out[0]!) && Number.isNaN(out[1]!)).toBe(true);
    expect(out[2]).toBe(-Infinity);
    expect(out[3]).toBe(0);
  });

  it('normalises along a leading axis of a strided view', () => {
    // torch.log_softmax(torch.tensor([[1., 2.], [3., 4.]]), 0) = [[-2.12692801] * 2, [-0.12692801] * 2]
    const out = logSoftmax(stridedTensor([1, 2, 3, 4], [2, 2]), 0);
    expectClose(out.toTypedArray(), [-2.12692801, -2.12692801, -0.12692801, -0.12692801], tolerance(1e-6));
  });

  it('matches an explicit loop along any axis and layout', () => {
    fc.assert(
      fc.property(laneCases(floats), (c) => {
        const out = logSoftmax(caseTensor(c), c.axis);
        expect(out.shape).toEqual(c.shape);
        expectClose(out.toTypedArray(), referenceLanes(c.shape, c.values, c.axis, naive), tolerance(1e-12));
      }),
    );
  });

  it('equals the log of the softmax', () => {
    fc.assert(
      fc.property(laneCases(floats), (c) => {
        const logs = logSoftmax(caseTensor(c, 'float32'), c.axis).toTypedArray();
        const probs = softmax(caseTensor(c, 'float32'), c.axis).toTypedArray();
        expectClose(logs, Array.from(probs, Math.log), tolerance(1e-5));
      }),
    );
  });

  it('has no NaN for logits up to ±1e4', () => {
    const logits = (n: number) =>
      fc.array(fc.oneof(finite(-1e4, 1e4), fc.constantFrom(-1e4, 1e4)), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(laneCases(logits), (c) => {
        for (const v of logSoftmax(caseTensor(c, 'float32'), c.axis).toTypedArray()) {
          expect(Number.isFinite(v) && v <= 0).toBe(true);
        }
      }),
    );
  });

  it('matches the PyTorch gradient', () => {
    // torch.log_softmax(x, -1).backward(torch.tensor([[1., 0., 0.]])) for x = [[1., 2., 3.]]
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    logSoftmax(x).backward(tensor([[1, 0, 0]]));
    expectClose(x.grad!.toTypedArray(), [0.90996945, -0.24472849, -0.665241], tolerance(1e-6));
  });

  it('has gradients matching finite differences along any axis and layout', () => {
    fc.assert(
      fc.property(laneCases(floats), (c) => {
        checkCaseGradients(c, (t) => logSoftmax(t, c.axis));
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => logSoftmax(tensor([1, 2]), 1)).toThrow(InvalidArgumentError);
    expect(() => logSoftmax(tensor([1, 2]), -2)).toThrow(/^logSoftmax: axis must be an integer in \[-1, 0\]/);
  });
});
