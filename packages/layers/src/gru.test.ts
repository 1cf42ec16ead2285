import {
  Generator,
  InvalidArgumentError,
  mul,
  narrow,
  randn,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from '@attnkit/tensor';
import { checkParameterGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GRU } from './gru.js';
import { GRUCell } from './gru-cell.js';

const sigmoid = (a: number): number => 1 / (1 + Math.exp(-a));

describe('GRU', () => {
  it('computes one step of one unit as PyTorch nn.GRU (gates r, z, n)', () => {
    const gru = new GRU({ inputSize: 1, hiddenSize: 1, dtype: 'float64' });
    // Rows r, z, n: W_ih = (0.5, −1, 2), W_hh = (1, 0.5, −0.5), b_ih = (0.1, 0.2, 0.3), b_hh = (0, 0.1, −0.2).
    gru.loadStateDict({
      weight_ih_l0: [[0.5], [-1], [2]],
      weight_hh_l0: [[1], [0.5], [-0.5]],
      bias_ih_l0: [0.1, 0.2, 0.3],
      bias_hh_l0: [0, 0.1, -0.2],
    });
    const x = 0.8;
    const h = 0.4;
    const r = sigmoid(0.5 * x + 0.1 + 1 * h);
    const z = sigmoid(-1 * x + 0.2 + 0.5 * h + 0.1);
    const n = Math.tanh(2 * x + 0.3 + r * (-0.5 * h - 0.2));
    const [out, state] = gru.forward(
      tensor([[[x]]], { dtype: 'float64' }),
      tensor([[[h]]], { dtype: 'float64' }),
    );
    expectClose(out, [[[(1 - z) * n + z * h]]], { atol: 1e-12 });
    expectClose(state, [[[(1 - z) * n + z * h]]], { atol: 1e-12 });
  });

  it("registers PyTorch's state-dict keys and shapes for every layer", () => {
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2 });
    const shapes = Object.fromEntries(Object.entries(gru.stateDict()).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      weight_ih_l0: [12, 3],
      weight_hh_l0: [12, 4],
      bias_ih_l0: [12],
      bias_hh_l0: [12],
      weight_ih_l1: [12, 4],
      weight_hh_l1: [12, 4],
      bias_ih_l1: [12],
      bias_hh_l1: [12],
    });
    expect(Object.keys(new GRU({ inputSize: 2, hiddenSize: 2, bias: false }).stateDict())).toEqual([
      'weight_ih_l0',
      'weight_hh_l0',
    ]);
  });

  it('initialises every parameter within ±1/√hiddenSize', () => {
    const gru = new GRU({ inputSize: 5, hiddenSize: 16, numLayers: 2, rng: new Generator(3) });
    for (const p of gru.parameters()) {
      const v = p.toTypedArray();
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(0.25);
      expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.2);
    }
  });

  it('returns the last output of the last layer as the last row of the state', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 99 }),
        (layers, steps, seed) => {
          const rng = new Generator(seed);
          const gru = new GRU({ inputSize: 2, hiddenSize: 3, numLayers: layers, rng });
          const [out, state] = gru.forward(randn([steps, 2, 2], { rng }));
          expect(state.shape).toEqual([layers, 2, 3]);
          expectClose(narrow(state, 0, layers - 1, 1), narrow(out, 0, steps - 1, 1), { atol: 0 });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('gives the same numbers batch-first, time-first and unbatched', () => {
    const rng = new Generator(1);
    const x = randn([4, 2, 3], { rng }); // (steps, batch, features)
    const h0 = randn([2, 2, 5], { rng });
    const a = new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, rng });
    const b = new GRU({ inputSize: 3, hiddenSize: 5, numLayers: 2, batchFirst: true });
    b.loadStateDict(a.stateDict());
    const [outA, stateA] = a.forward(x, h0);
    const [outB, stateB] = b.forward(transpose(x, 0, 1), h0);
    expectClose(outB, transpose(outA, 0, 1), { atol: 0 });
    expectClose(stateB, stateA, { atol: 0 });
    const [outU, stateU] = a.forward(narrow(x, 1, 1, 1).reshape([4, 3]), narrow(h0, 1, 1, 1).reshape([2, 5]));
    expectClose(outU, narrow(outA, 1, 1, 1).reshape([4, 5]), { atol: 1e-6 });
    expectClose(stateU, narrow(stateA, 1, 1, 1).reshape([2, 5]), { atol: 1e-6 });
  });

  it('equals GRUCell applied step by step with the same weights', () => {
    const rng = new Generator(2);
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, rng });
    const cell = new GRUCell({ inputSize: 3, hiddenSize: 4 });
    const sd = gru.stateDict();
    cell.loadStateDict({
      weight_ih: sd.weight_ih_l0!,
      weight_hh: sd.weight_hh_l0!,
      bias_ih: sd.bias_ih_l0!,
      bias_hh: sd.bias_hh_l0!,
    });
    const x = randn([5, 2, 3], { rng });
    const [out] = gru.forward(x);
    let h: Tensor = zeros([2, 4]);
    for (let s = 0; s < 5; s++) {
      h = cell.forward(narrow(x, 0, s, 1).reshape([2, 3]), h);
      expectClose(h, narrow(out, 0, s, 1).reshape([2, 4]), { atol: 1e-6 });
    }
  });

  it('applies dropout between layers in training mode only', () => {
    const gru = new GRU({ inputSize: 2, hiddenSize: 8, numLayers: 2, dropout: 0.5, rng: new Generator(4) });
    const x = randn([3, 2, 2], { rng: new Generator(5) });
    const [train1] = gru.forward(x);
    const [train2] = gru.forward(x);
    expect(Array.from(train1.toTypedArray())).not.toEqual(Array.from(train2.toTypedArray()));
    gru.eval();
    const [eval1, evalState] = gru.forward(x);
    const [eval2] = gru.forward(x);
    expectClose(eval1, eval2, { atol: 0 });
    // Between layers only (nn.GRU): layer 0 never sees dropout, so its state is the eval state.
    gru.train();
    const [, trainState] = gru.forward(x);
    expectClose(narrow(trainState, 0, 0, 1), narrow(evalState, 0, 0, 1), { atol: 0 });
    expect(Array.from(narrow(trainState, 0, 1, 1).toTypedArray())).not.toEqual(
      Array.from(narrow(evalState, 0, 1, 1).toTypedArray()),
    );
    // Nor is the last layer's output dropped: one layer trains as it evaluates.
    const one = new GRU({ inputSize: 2, hiddenSize: 8, numLayers: 1, dropout: 0.5, rng: new Generator(4) });
    const [oneTrain] = one.forward(x);
    one.eval();
    expectClose(oneTrain, one.forward(x)[0], { atol: 0 });
  });

  it('backpropagates through time into inputs, h0 and every parameter (finite differences)', () => {
    const rng = new Generator(6);
    const gru = new GRU({ inputSize: 2, hiddenSize: 3, numLayers: 2, dtype: 'float64', rng });
    const x = randn([4, 2, 2], { dtype: 'float64', rng, requiresGrad: true });
    const h0 = randn([2, 2, 3], { dtype: 'float64', rng, requiresGrad: true });
    const rs = randn([2, 2, 3], { dtype: 'float64', rng });
    const loss = (): Tensor => {
      const [out, state] = gru.forward(x, h0);
      return sum(mul(state, rs)).add(sum(out));
    };
    checkParameterGradients({ parameters: () => [x, h0, ...gru.parameters()] }, loss, {
      atol: 1e-6,
      rtol: 1e-4,
    });
  });

  it('throws InvalidArgumentError for unknown options and bad sizes', () => {
    expect(() => new GRU({ inputSize: 2, hiddenSize: 3, numLayer: 2 } as never)).toThrow(
      /^GRU: unknown option 'numLayer' in options\. Did you mean 'numLayers'\?$/,
    );
    expect(() => new GRU({ inputSize: 2, hiddenSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => new GRU({ inputSize: 2, hiddenSize: 2, numLayers: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new GRU(undefined as never)).toThrow(/^GRU: options must be an options object/);
    expect(() => new GRU({ inputSize: 2, hiddenSize: 2, dtype: 'int32' as never })).toThrow(
      /options\.dtype must be one of 'float32', 'float64'/,
    );
    expect(() => new GRU({ inputSize: 2, hiddenSize: 2, dropout: 2 })).toThrow(
      /dropout must be a number in \[0, 1\]/,
    );
    expect(() => new GRU({ inputSize: 2, hiddenSize: 2, batchFirst: 'yes' as never })).toThrow(
      /^GRU: options\.batchFirst must be a boolean \(true or false\); got 'yes' \(a string\)\.$/,
    );
  });

  it('throws ShapeError when inputs or h0 have the wrong shape', () => {
    const gru = new GRU({ inputSize: 2, hiddenSize: 3, numLayers: 2 });
    expect(() => gru.forward(zeros([4, 2, 5]))).toThrow(
      /inputs must have shape \(steps ≥ 1, batch, 2\); got \(4, 2, 5\)/,
    );
    expect(() => gru.forward(zeros([4]))).toThrow(ShapeError);
    expect(() => gru.forward(zeros([0, 2, 2]))).toThrow(ShapeError);
    expect(() => gru.forward(zeros([4, 2, 2]), zeros([1, 2, 3]))).toThrow(
      /h0 must have shape \(2, 2, 3\); got \(1, 2, 3\)/,
    );
  });
});
