import {
  add,
  GradientError,
  gt,
  InvalidArgumentError,
  isGradEnabled,
  maskedFill,
  mul,
  reshape,
  softmax,
  sum,
  type Tensor,
  tanh,
  tensor,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { broadcastableShapes } from './broadcastable-shapes.js';
import { checkGradients } from './check-gradients.js';
import { tensors } from './tensors.js';

/**
 * A hand-written (2, 3) -> (3, 2) transpose with the given backward, recorded the way attnkit ops
 * record themselves, so a test can plant a wrong backward.
 */
function transpose23(x: Tensor, backward: (g: Tensor) => Tensor): Tensor {
  const v = x.toTypedArray();
  const out: number[] = [];
  for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) out.push(v[i * 3 + j]!);
  const y = tensor(out, { shape: [3, 2], dtype: x.dtype });
  if (x.requiresGrad && isGradEnabled()) {
    y.requiresGrad = true;
    y._node = { op: 'transpose23', inputs: [x], backward: (g) => [backward(g)] };
  }
  return y;
}

/** The correct backward of transpose23: transpose the (3, 2) gradient back to (2, 3). */
const untranspose = (g: Tensor): Tensor => {
  const v = g.toTypedArray();
  const out: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) out.push(v[j * 2 + i]!);
  return tensor(out, { shape: [2, 3], dtype: g.dtype });
};

const x23 = () =>
  tensor(
    [
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ],
    { requiresGrad: true },
  );

describe('checkGradients', () => {
  it('passes for smooth functions of float32 inputs', () => {
    const x = tensor(
      [
        [0.3, -1.2, 2],
        [0.7, 0.1, -0.4],
      ],
      { requiresGrad: true },
    );
    expect(() => checkGradients((x) => sum(mul(x, x), { axis: 1 }), [x])).not.toThrow();
    expect(() => checkGradients((x) => tanh(x), [x])).not.toThrow();
    expect(() => checkGradients((x) => softmax(x), [x])).not.toThrow();
  });

  it('passes for a hand-written op whose backward is right', () => {
    expect(() => checkGradients((x) => transpose23(x, untranspose), [x23()])).not.toThrow();
  });

  it('leaves the caller’s tensors and their .grad untouched', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    checkGradients((x) => mul(x, x), [x]);
    expect(x.grad).toBeNull();
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([1, 2, 3]);
  });

  it('passes bool and int32 inputs through and skips inputs without requiresGrad', () => {
    const x = tensor(
      [
        [1, -2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const mask = tensor([false, true]);
    const unused = tensor([5], { requiresGrad: true });
    const fixed = tensor([2, 3]);
    expect(() =>
      checkGradients((x, m, _unused, c) => mul(maskedFill(x, m!, 0), c!), [x, mask, unused, fixed]),
    ).not.toThrow();
  });

  it('passes for broadcasting products of any broadcastable shapes', () => {
    fc.assert(
      fc.property(
        broadcastableShapes({ maxRank: 3, maxSide: 3 }).chain(([a, b]) =>
          fc.tuple(
            tensors({ shape: a, min: -2, max: 2, requiresGrad: true }),
            tensors({ shape: b, min: -2, max: 2, requiresGrad: true }),
          ),
        ),
        ([a, b]) => checkGradients((a, b) => mul(tanh(a), add(b, a)), [a, b]),
      ),
      { numRuns: 30 },
    );
  });

  it('throws GradientError naming the input when fn detaches part of its graph', () => {
    // d(x + detach(x))/dx is 2, autograd sees 1: analytic R, numeric 2R.
    let message = '';
    try {
      checkGradients((x) => add(x, x.detach()), [tensor([0, 0], { requiresGrad: true }), x23()]);
    } catch (error) {
      expect(error).toBeInstanceOf(GradientError);
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^checkGradients: analytic gradients differ from central finite differences \(eps 1e-6/,
    );
    expect(message).toContain('input 0 (2): 2 of 2 elements differ');
    const [, analytic, numeric] = message.match(/analytic (\S+), numeric (\S+) \(/)!;
    expect(Number(numeric) / Number(analytic)).toBeCloseTo(2, 6);
    expect(message).not.toContain('input 1'); // input 1 is unused: zero both ways
  });

  it('throws GradientError when fn’s output does not require gradients at all', () => {
    expect(() => checkGradients((x) => mul(x.detach(), 3), [x23()])).toThrow(
      /input 0 \(2, 3\): 6 of 6 elements differ; worst at element \d \(index \(\d, \d\)\): analytic 0/,
    );
  });

  it('throws GradientError for a backward that transposes wrongly, which sum(fn) alone would miss', () => {
    // Reading the (3, 2) gradient as (2, 3) keeps its sum, so only a projection exposes it.
    const wrong = (g: Tensor) => reshape(g, [2, 3]);
    expect(() => checkGradients((x) => sum(transpose23(x, wrong)), [x23()])).not.toThrow();
    expect(() => checkGradients((x) => transpose23(x, wrong), [x23()])).toThrow(GradientError);
  });

  it('throws InvalidArgumentError when no input requires gradients', () => {
    expect(() => checkGradients((x) => mul(x, x), [tensor([1, 2])])).toThrow(InvalidArgumentError);
    expect(() => checkGradients((x) => mul(x, x), [tensor([1, 2])])).toThrow(
      'checkGradients: at least one input must have requiresGrad: true.',
    );
  });

  it('throws InvalidArgumentError when eps is not a positive finite number', () => {
    expect(() => checkGradients((x) => x, [x23()], { eps: 0 })).toThrow(
      /eps must be a positive finite number; got 0/,
    );
    expect(() => checkGradients((x) => x, [x23()], { eps: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when fn returns a bool or int32 tensor', () => {
    expect(() => checkGradients((x) => gt(x, 0), [x23()])).toThrow(
      'checkGradients: fn must return a float32 or float64 tensor; got bool.',
    );
  });
});
