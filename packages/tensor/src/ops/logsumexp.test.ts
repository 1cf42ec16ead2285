import { expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  caseTensor,
  checkCaseGradients,
  finite,
  optionsOf,
  reduceCases,
  referenceReduce,
  tolerance,
} from '../../test/helpers.js';
import { InvalidArgumentError } from '../errors.js';
import { tensor } from './creation.js';
import { logsumexp } from './logsumexp.js';

/** log Σ exp(v) taken literally, in float64 (exact enough for |v| ≤ 10). */
const naive = (group: number[]): number => Math.log(group.reduce((s, v) => s + Math.exp(v), 0));
const floats = (n: number) => fc.array(finite(-10, 10), { minLength: n, maxLength: n });

describe('logsumexp', () => {
  it('matches PyTorch on a small example', () => {
    // torch.logsumexp(torch.tensor([[1., 2., 3.], [-1., 0., 10.]]), 1) = [3.40760589, 10.00006199]
    const out = logsumexp(tensor([1, 2, 3, -1, 0, 10], { shape: [2, 3] }), { axis: 1 });
    expect(out.dtype).toBe('float32');
    expectClose(out.toTypedArray(), [3.40760589, 10.00006199], tolerance(1e-6));
  });

  it('stays finite for logits whose exp overflows', () => {
    // torch.logsumexp(torch.tensor([[0., 0.], [1000., 1000.]]), 1) = [0.69314718, 1000.69314718]
    const out = logsumexp(tensor([0, 0, 1000, 1000], { shape: [2, 2], dtype: 'float64' }), { axis: -1 });
    expectClose(out.toTypedArray(), [Math.LN2, 1000 + Math.LN2], tolerance(1e-12));
    expect(logsumexp(tensor([-1000, -1000], { dtype: 'float64' })).item()).toBeCloseTo(-1000 + Math.LN2, 10);
  });

  it('gives -Infinity for a lane of all -Infinity or no elements, and +Infinity with +Infinity', () => {
    expect(logsumexp(tensor([-Infinity, -Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logsumexp(tensor([], { shape: [2, 0] }), { axis: 1 }).toArray()).toEqual([-Infinity, -Infinity]);
    expect(logsumexp(tensor([1, Infinity])).item()).toBe(Infinity);
    expect(logsumexp(tensor([-Infinity, 2])).item()).toBeCloseTo(2, 6);
  });

  it('keeps reduced axes under keepDim and gives float32 for int32', () => {
    const out = logsumexp(tensor([0, 0, 0, 0], { shape: [2, 2], dtype: 'int32' }), {
      axis: 0,
      keepDim: true,
    });
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([1, 2]);
    expectClose(out.toTypedArray(), [Math.LN2, Math.LN2], tolerance(1e-6));
  });

  it('matches an explicit loop for any axes, keepDim and layout', () => {
    fc.assert(
      fc.property(reduceCases(floats), (c) => {
        const out = logsumexp(caseTensor(c), optionsOf(c));
        const ref = referenceReduce(c.shape, c.values, c.axis, c.keepDim, naive);
        expect(out.shape).toEqual(ref.shape);
        expectClose(out.toTypedArray(), ref.values, tolerance(1e-12));
      }),
    );
  });

  it('lies between the max and the max + log(n) for large logits', () => {
    fc.assert(
      fc.property(fc.array(finite(-1e4, 1e4), { minLength: 1, maxLength: 6 }), (values) => {
        const out = logsumexp(tensor(values, { dtype: 'float64' })).item();
        const m = Math.max(...values);
        expect(out).toBeGreaterThanOrEqual(m);
        expect(out).toBeLessThanOrEqual(m + Math.log(values.length) + 1e-9);
      }),
    );
  });

  it('has the softmax as its gradient', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    logsumexp(x).backward(tensor(2, { dtype: 'float64' }));
    // 2 · softmax([1, 2, 3]) = 2 · [0.09003057, 0.24472847, 0.66524096]
    expectClose(x.grad!.toTypedArray(), [0.18006114, 0.48945694, 1.33048191], tolerance(1e-7));
  });

  it('gives zero gradient to -Infinity elements, so an all -Infinity lane has no NaN', () => {
    const x = tensor([-Infinity, -Infinity, -Infinity, 0, -Infinity, 0], {
      shape: [2, 3],
      requiresGrad: true,
    });
    logsumexp(x, { axis: 1 }).backward(tensor([1, 1]));
    expectClose(x.grad!.toTypedArray(), [0, 0, 0, 0.5, 0, 0.5], tolerance(1e-6));
  });

  it('has gradients matching finite differences', () => {
    fc.assert(
      fc.property(reduceCases(floats), (c) => {
        checkCaseGradients(c, (t) => logsumexp(t, optionsOf(c)));
      }),
      { numRuns: 30 },
    );
  });

  it('throws InvalidArgumentError for an axis out of range', () => {
    expect(() => logsumexp(tensor([1, 2]), { axis: 1 })).toThrow(InvalidArgumentError);
    expect(() => logsumexp(tensor([1, 2]), { axis: 1 })).toThrow(/^logsumexp: axis must be an integer/);
  });
});
