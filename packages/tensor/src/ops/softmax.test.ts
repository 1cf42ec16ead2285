import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkCaseGradients,
  finite,
  type LaneCase,
  laneCases,
  referenceLanes,
  stridedTensor,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { softmax } from './softmax.js';

/** exp(v) / Σ exp(v) taken literally, in float64 (exact enough for |v| ≤ 10). */
const naive = (lane: number[]): number[] => {
  const total = lane.reduce((s, v) => s + Math.exp(v), 0);
  return lane.map((v) => Math.exp(v) / total);
};
const floats = (n: number) => fc.array(finite(-10, 10), { minLength: n, maxLength: n });

/** Σ over each lane of `values` along `c.axis`, scattered to every position of the lane. */
const laneSums = (c: LaneCase, values: ArrayLike<number>): number[] =>
  referenceLanes(c.shape, Array.from(values), c.axis, (lane) => {
    const s = lane.reduce((a, v) => a + v, 0);
    return lane.map(() => s);
  });

describe('softmax', () => {
  it('matches PyTorch on the last axis', () => {
    // torch.softmax(torch.tensor([[1., 2., 3.]]), -1) = [[0.09003057, 0.24472848, 0.66524094]]
    const out = softmax(tensor([[1, 2, 3]]));
    expect(out.shape).toEqual([1, 3]);
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [0.09003057, 0.24472848, 0.66524094], tolerance(1e-7));
  });

  it('normalises along a leading axis', () => {
    // torch.softmax(torch.tensor([[1., 2.], [3., 4.]]), 0) = [[0.11920292] * 2, [0.88079703] * 2]
    const out = softmax(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      0,
    );
    expectClose(out.toTypedArray(), [0.11920292, 0.11920292, 0.88079703, 0.88079703], tolerance(1e-7));
  });

  it('gives exact 0s and 1s, not NaN, for logits of ±1e4', () => {
    // torch.softmax(torch.tensor([[1e4, -1e4, 0.], [-1e4, -1e4, -1e4]]), -1)
    const out = softmax(tensor([1e4, -1e4, 0, -1e4, -1e4, -1e4], { shape: [2, 3] }));
    expectClose(out.toTypedArray(), [1, 0, 0, 1 / 3, 1 / 3, 1 / 3], tolerance(1e-7));
  });

  it('gives NaN for a lane of all -Infinity, like PyTorch, and leaves other lanes alone', () => {
    const out = softmax(tensor([-Infinity, -Infinity, 0, 0], { shape: [2, 2] })).toTypedArray();
    expect(Number.isNaN(out[0]!) && Number.isNaN(out[1]!)).toBe(true);
    expectClose(out.subarray(2), [0.5, 0.5], tolerance(1e-6));
    expectClose(softmax(tensor([-Infinity, 0])).toTypedArray(), [0, 1], tolerance(1e-6));
  });

  it('reads strided views, int32 input and a 0-d tensor', () => {
    const strided = stridedTensor([1, 2, 3, 1, 1, 1], [2, 3]);
    expectClose(
      softmax(strided).toTypedArray(),
      [0.09003057, 0.24472848, 0.66524094, 1 / 3, 1 / 3, 1 / 3],
      tolerance(1e-7),
    );
    expect(softmax(tensor([0, 0], { dtype: 'int32' })).dtype).toBe('float32');
    expect(softmax(tensor(3)).item()).toBeCloseTo(1, 7);
  });

  it('matches an explicit loop along any axis and layout', () => {
    fc.assert(
      fc.property(laneCases(floats), (c) => {
        const out = softmax(caseTensor(c), c.axis);
        expect(out.shape).toEqual(c.shape);
        expectClose(out.toTypedArray(), referenceLanes(c.shape, c.values, c.axis, naive), tolerance(1e-12));
      }),
    );
  });

  it('gives lanes in [0, 1] that sum to 1, without NaN, for logits up to ±1e4', () => {
    const logits = (n: number) =>
      fc.array(fc.oneof(finite(-1e4, 1e4), fc.constantFrom(-1e4, 1e4)), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(laneCases(logits), (c) => {
        const out = softmax(caseTensor(c, 'float32'), c.axis).toTypedArray();
        for (const p of out) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
        expectClose(laneSums(c, out), new Array<number>(out.length).fill(1), tolerance(1e-6));
      }),
    );
  });

  it('is invariant to adding a constant to each lane', () => {
    fc.assert(
      fc.property(
        laneCases(floats),
        fc.array(finite(-100, 100), { minLength: 1, maxLength: 8 }),
        (c, shifts) => {
          let lane = 0;
          const shifted = referenceLanes(c.shape, c.values, c.axis, (v) => {
            const k = shifts[lane++ % shifts.length]!;
            return v.map((x) => x + k);
          });
          const a = softmax(caseTensor(c), c.axis).toTypedArray();
          const b = softmax(caseTensor({ ...c, values: shifted }), c.axis).toTypedArray();
          expectClose(b, a, tolerance(1e-9));
        },
      ),
    );
  });

  it('matches the PyTorch gradient', () => {
    // torch.softmax(x, -1).backward(torch.tensor([[1., 0., 0.]])) for x = [[1., 2., 3.]]
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    softmax(x).backward(tensor([[1, 0, 0]]));
    expectClose(x.grad!.toTypedArray(), [0.08192507, -0.02203305, -0.05989202], tolerance(1e-7));
  });

  it('has gradients matching finite differences along any axis and layout', () => {
    fc.assert(
      fc.property(laneCases(floats), (c) => {
        checkCaseGradients(c, (t) => softmax(t, c.axis));
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => softmax(tensor([[1, 2]]), 2)).toThrow(InvalidArgumentError);
    expect(() => softmax(tensor([[1, 2]]), -3)).toThrow(/^softmax: axis must be an integer in \[-2, 1\]/);
    expect(() => softmax(tensor(1), 1)).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a non-integer axis', () => {
    expect(() => softmax(tensor([1, 2]), 0.5)).toThrow(InvalidArgumentError);
  });
});
