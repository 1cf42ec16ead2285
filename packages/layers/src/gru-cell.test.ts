import {
  Generator,
  InvalidArgumentError,
  mul,
  randn,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '@attnkit/tensor';
import { checkParameterGradients, expectClose } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import { GRUCell } from './gru-cell.js';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

describe('GRUCell', () => {
  it('computes h′ = (1 − z)·n + z·h as PyTorch nn.GRUCell', () => {
    const cell = new GRUCell({ inputSize: 1, hiddenSize: 1, dtype: 'float64' });
    cell.loadStateDict({
      weight_ih: [[1], [2], [3]],
      weight_hh: [[-1], [0.5], [2]],
      bias_ih: [0, 0, 0],
      bias_hh: [0.1, 0.2, 0.3],
    });
    const r = sigmoid(0.5 - 0.2 + 0.1);
    const z = sigmoid(1 + 0.1 + 0.2);
    const n = Math.tanh(1.5 + r * (0.4 + 0.3));
    expectClose(
      cell.forward(tensor([[0.5]], { dtype: 'float64' }), tensor([[0.2]], { dtype: 'float64' })),
      [[(1 - z) * n + z * 0.2]],
      {
        atol: 1e-12,
      },
    );
  });

  it("registers PyTorch's keys and treats a missing h as zeros and 1-D inputs as unbatched", () => {
    const cell = new GRUCell({ inputSize: 3, hiddenSize: 2, rng: new Generator(0) });
    expect(Object.keys(cell.stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
    const x = randn([3], { rng: new Generator(1) });
    expectClose(cell.forward(x), cell.forward(x, zeros([2])), { atol: 0 });
    expect(cell.forward(x).shape).toEqual([2]);
    expect(Object.keys(new GRUCell({ inputSize: 1, hiddenSize: 1, bias: false }).stateDict())).toEqual([
      'weight_ih',
      'weight_hh',
    ]);
  });

  it('backpropagates into x, h and every parameter (finite differences)', () => {
    const rng = new Generator(2);
    const cell = new GRUCell({ inputSize: 3, hiddenSize: 2, dtype: 'float64', rng });
    const x = randn([2, 3], { dtype: 'float64', rng, requiresGrad: true });
    const h = randn([2, 2], { dtype: 'float64', rng, requiresGrad: true });
    const r = randn([2, 2], { dtype: 'float64', rng });
    const loss = (): Tensor => sum(mul(cell.forward(x, h), r));
    checkParameterGradients({ parameters: () => [x, h, ...cell.parameters()] }, loss, {
      atol: 1e-6,
      rtol: 1e-4,
    });
  });

  it('throws ShapeError when x or h has the wrong shape', () => {
    const cell = new GRUCell({ inputSize: 3, hiddenSize: 2 });
    expect(() => cell.forward(zeros([2, 4]))).toThrow(
      /x must have shape \(batch, 3\) or \(3\); got \(2, 4\)/,
    );
    expect(() => cell.forward(zeros([2, 3]), zeros([3, 2]))).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for unknown options', () => {
    expect(() => new GRUCell({ inputSize: 3, hiddenSize: 2, numLayers: 2 } as never)).toThrow(
      /^GRUCell: unknown option 'numLayers' in options\. Known options: inputSize, hiddenSize, bias, dtype, rng\.$/,
    );
    expect(() => new GRUCell({ inputSize: 3, hiddenSize: 2, bias: 1 } as never)).toThrow(
      /^GRUCell: options\.bias must be a boolean/,
    );
    expect(() => new GRUCell({ inputSize: 3, hiddenSize: 2, rng: 7 } as never)).toThrow(InvalidArgumentError);
  });
});
