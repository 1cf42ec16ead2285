import {
  add,
  GradientError,
  gt,
  InvalidArgumentError,
  isGradEnabled,
  matmul,
  mul,
  reshape,
  sum,
  type Tensor,
  tanh,
  tensor,
  transpose,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkParameterGradients } from './check-parameter-gradients.js';
import { shapes } from './shapes.js';
import { tensors } from './tensors.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

/** A tiny float64 dense layer y = tanh(x·Wᵀ + b) as a module-like object. */
function dense() {
  const weight = tensor(
    [
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ],
    f64,
  );
  const bias = tensor([0.1, -0.2], f64);
  const x = tensor(
    [
      [0.3, -1.2, 2],
      [0.7, 0.1, -0.4],
    ],
    { dtype: 'float64' },
  );
  return {
    weight,
    bias,
    x,
    parameters: () => [weight, bias],
    forward: () => tanh(add(matmul(x, transpose(weight)), bias)),
  };
}

/**
 * A hand-written (2, 3) -> (3, 2) transpose of `w` with the given backward, recorded the way attnkit
 * ops record themselves, so a test can plant a wrong backward.
 */
function transpose23(w: Tensor, backward: (g: Tensor) => Tensor): Tensor {
  const v = w.toTypedArray();
  const out: number[] = [];
  for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) out.push(v[i * 3 + j]!);
  const y = tensor(out, { shape: [3, 2], dtype: w.dtype });
  if (w.requiresGrad && isGradEnabled()) {
    y.requiresGrad = true;
    y._node = { op: 'transpose23', inputs: [w], backward: (g) => [backward(g)] };
  }
  return y;
}

describe('checkParameterGradients', () => {
  it('passes for a dense layer, for its whole output and for a scalar loss', () => {
    const layer = dense();
    const c = tensor([0.7, -1.2], { dtype: 'float64' });
    expect(() => checkParameterGradients(layer, layer.forward)).not.toThrow();
    expect(() => checkParameterGradients(layer, () => sum(mul(layer.forward(), c)))).not.toThrow();
  });

  it('restores the parameters’ values and .grad exactly', () => {
    const layer = dense();
    const before = Array.from(layer.weight.toTypedArray());
    const grad = tensor([1, 2], { dtype: 'float64' });
    layer.bias.grad = grad;
    checkParameterGradients(layer, layer.forward);
    expect(Array.from(layer.weight.toTypedArray())).toEqual(before);
    expect(layer.weight.grad).toBeNull();
    expect(layer.bias.grad).toBe(grad);
  });

  it('skips parameters without requiresGrad and passes when fn ignores a parameter', () => {
    const layer = dense();
    const frozen = tensor([7], { dtype: 'float64' });
    const unused = tensor([3, 4], f64);
    expect(() =>
      checkParameterGradients({ parameters: () => [frozen, ...layer.parameters(), unused] }, layer.forward),
    ).not.toThrow();
  });

  it('passes for products of parameters of any small shape', () => {
    fc.assert(
      fc.property(
        tensors({
          shape: shapes({ maxRank: 3, maxSide: 3 }),
          dtype: 'float64',
          min: -2,
          max: 2,
          requiresGrad: true,
        }),
        (w) => checkParameterGradients({ parameters: () => [w] }, () => mul(tanh(w), w)),
      ),
      { numRuns: 30 },
    );
  });

  it('throws GradientError naming the parameter when fn detaches part of its graph', () => {
    // d(w + detach(w))/dw is 2, autograd sees 1: analytic R, numeric 2R.
    const w = tensor([0, 0], f64);
    const other = tensor([1, 2, 3], f64);
    let message = '';
    try {
      checkParameterGradients({ parameters: () => [other, w] }, () => add(add(w, w.detach()), sum(other)));
    } catch (error) {
      expect(error).toBeInstanceOf(GradientError);
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^checkParameterGradients: analytic gradients differ from central finite differences \(eps 1e-6/,
    );
    expect(message).toContain('parameter 1 (2): 2 of 2 elements differ');
    const [, analytic, numeric] = message.match(/analytic (\S+), numeric (\S+) \(/)!;
    expect(Number(numeric) / Number(analytic)).toBeCloseTo(2, 6);
    expect(message).not.toContain('parameter 0');
  });

  it('checks a scalar output as the loss itself, unweighted', () => {
    // d(sum(w + detach(w)))/dw is 2, autograd sees 1: with no projection the values are exactly these.
    const w = tensor([0.5, -1], f64);
    expect(() => checkParameterGradients({ parameters: () => [w] }, () => sum(add(w, w.detach())))).toThrow(
      /parameter 0 \(2\): 2 of 2 elements differ; worst at element \d \(index \(\d\)\): analytic 1, numeric (2|1\.9999)/,
    );
  });

  it('throws GradientError naming the parameter by namedParameters when the owner has them', () => {
    const w = tensor([1, 2], f64);
    const owner = { parameters: () => [w], namedParameters: () => [['W_q.weight', w] as const] };
    expect(() => checkParameterGradients(owner, () => mul(w.detach(), w))).toThrow(
      /parameter W_q\.weight \(2\): 2 of 2 elements differ; worst at element \d \(index \(\d\)\)/,
    );
  });

  it('throws GradientError for a backward that transposes wrongly, which sum(fn) alone would miss', () => {
    const w = tensor(
      [
        [0.5, -1, 2],
        [1.5, 0.25, -0.75],
      ],
      f64,
    );
    const wrong = (g: Tensor) => reshape(g, [2, 3]);
    const owner = { parameters: () => [w] };
    expect(() => checkParameterGradients(owner, () => sum(transpose23(w, wrong)))).not.toThrow();
    expect(() => checkParameterGradients(owner, () => transpose23(w, wrong))).toThrow(GradientError);
  });

  it('throws InvalidArgumentError when no parameter requires gradients', () => {
    const owner = { parameters: () => [tensor([1, 2], { dtype: 'float64' })] };
    expect(() => checkParameterGradients(owner, () => tensor([1]))).toThrow(
      'checkParameterGradients: at least one parameter must have requiresGrad: true.',
    );
    expect(() => checkParameterGradients({ parameters: () => [] }, () => tensor([1]))).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws InvalidArgumentError when a checked parameter is float32 or strided', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => checkParameterGradients({ parameters: () => [w] }, () => mul(w, w))).toThrow(
      'checkParameterGradients: parameter 0 must be a contiguous float64 tensor; got float32.',
    );
    const strided = transpose(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        f64,
      ),
    );
    expect(() =>
      checkParameterGradients({ parameters: () => [strided] }, () => mul(strided, strided)),
    ).toThrow(/parameter 0 must be a contiguous float64 tensor; got a strided float64/);
  });

  it('throws InvalidArgumentError when eps is not a positive finite number', () => {
    const layer = dense();
    expect(() => checkParameterGradients(layer, layer.forward, { eps: 0 })).toThrow(
      /eps must be a positive finite number; got 0/,
    );
    expect(() => checkParameterGradients(layer, layer.forward, { eps: Number.NaN })).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws InvalidArgumentError when fn returns a bool or int32 tensor', () => {
    const layer = dense();
    expect(() => checkParameterGradients(layer, () => gt(layer.forward(), 0))).toThrow(
      'checkParameterGradients: fn must return a float32 or float64 tensor; got bool.',
    );
  });
});
