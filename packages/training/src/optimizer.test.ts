import { Parameter } from '@attnkit/layers';
import {
  Generator,
  InvalidArgumentError,
  matmul,
  mean,
  normal,
  ShapeError,
  square,
  sub,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { Adam } from './adam.js';
import type { OptimizerStateDict } from './optimizer.js';
import { SGD } from './sgd.js';

const makeParams = (): Parameter[] => [
  new Parameter(
    tensor(
      [
        [0.5, -1],
        [2, 0.25],
      ],
      { dtype: 'float64' },
    ),
  ),
  new Parameter(tensor([1, -3, 0], { dtype: 'float32' })),
];
const grads = (k: number): Tensor[] => [
  tensor(
    [
      [k, -1],
      [0.5 * k, 2],
    ],
    { dtype: 'float64' },
  ),
  tensor([Math.sin(k), 1 / k, -k], { dtype: 'float32' }),
];
const snapshot = (ps: Parameter[]): number[][] => ps.map((p) => Array.from(p.toTypedArray()));

describe('Optimizer', () => {
  it('zeroGrad zeroes every gradient in place, or sets it to null with setToNone', () => {
    const ps = makeParams();
    const optimizer = new SGD(ps, { lr: 0.1 });
    ps.forEach((p, i) => {
      p.grad = grads(1)[i]!;
    });
    const before = ps.map((p) => p.grad);
    optimizer.zeroGrad();
    ps.forEach((p, i) => {
      expect(p.grad).toBe(before[i]);
    });
    for (const p of ps) expect(Array.from(p.grad!.toTypedArray()).every((v) => v === 0)).toBe(true);
    optimizer.zeroGrad({ setToNone: true });
    expect(ps.map((p) => p.grad)).toEqual([null, null]);
  });

  it('lets a scheduler or the user change lr', () => {
    const optimizer = new SGD(makeParams(), { lr: 0.1 });
    optimizer.lr = 0.05;
    expect(optimizer.lr).toBe(0.05);
  });

  it('resumes from a state dict exactly where it stopped', () => {
    const a = makeParams();
    const b = makeParams();
    const first = new Adam(a, { lr: 0.1, amsgrad: true, weightDecay: 0.01 });
    for (let k = 1; k <= 3; k++) {
      a.forEach((p, i) => {
        p.grad = grads(k)[i]!;
      });
      first.step();
    }
    // b catches up through the state dict: same values, same moments, same step counts.
    b.forEach((p, i) => {
      p.nd.data.set(a[i]!.toTypedArray());
    });
    const second = new Adam(b, { lr: 0.5 });
    second.loadStateDict(first.stateDict());
    expect(second.lr).toBe(0.1);
    expect(second.amsgrad).toBe(true);
    for (let k = 4; k <= 6; k++) {
      for (const ps of [a, b]) {
        ps.forEach((p, i) => {
          p.grad = grads(k)[i]!;
        });
      }
      first.step();
      second.step();
    }
    // Bit for bit (exact equality on purpose): the same arithmetic on the same state.
    expect(snapshot(b)).toEqual(snapshot(a));
  });

  it('reports per-parameter steps and buffers as copies', () => {
    const ps = makeParams();
    const optimizer = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    ps[0]!.grad = grads(1)[0]!;
    optimizer.step();
    const state = optimizer.stateDict();
    expect(Object.keys(state.state)).toEqual(['0']);
    expect(state.state['0']!.step).toBe(1);
    const buffer = state.state['0']!.buffers.momentumBuffer!;
    expect(buffer.shape).toEqual([2, 2]);
    expectAllClose(buffer, [1, -1, 0.5, 2], 0, 0);
    optimizer.step();
    expectAllClose(buffer, [1, -1, 0.5, 2], 0, 0); // a copy: the live buffer moved on
    expect(state.hyperparameters).toEqual({
      lr: 0.1,
      momentum: 0.9,
      dampening: 0,
      nesterov: false,
      weightDecay: 0,
    });
  });

  it('trains plain leaf tensors with requiresGrad like Parameters (D2L §3.4 linear regression)', () => {
    // PyTorch: w = torch.normal(0, 0.01, (2, 1), requires_grad=True); torch.optim.SGD([w, b], lr).
    const rng = new Generator(0);
    const X = normal(0, 1, [50, 2], { rng, dtype: 'float64' });
    const y = matmul(X, tensor([[2], [-3.4]], { dtype: 'float64' })).add(4.2);
    const run = (asParameters: boolean): number[][] => {
      const w0 = normal(0, 0.01, [2, 1], { rng: new Generator(1), dtype: 'float64', requiresGrad: true });
      const b0 = zeros([1], { dtype: 'float64', requiresGrad: true });
      const [w, b] = asParameters ? [new Parameter(w0), new Parameter(b0)] : [w0, b0];
      const optimizer = new SGD([w, b], { lr: 0.1 });
      for (let epoch = 0; epoch < 100; epoch++) {
        optimizer.zeroGrad();
        mean(square(sub(matmul(X, w).add(b), y))).backward();
        optimizer.step();
      }
      return [Array.from(w.toTypedArray()), Array.from(b.toTypedArray())];
    };
    const leaves = run(false);
    expect(leaves).toEqual(run(true));
    expectAllClose(leaves[0]!, [2, -3.4], 1e-3);
    expectAllClose(leaves[1]!, [4.2], 1e-3);
  });

  it('updates a strided leaf in place through its view', () => {
    const storage = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const w = transpose(storage, 0, 1);
    w.requiresGrad = true;
    w.grad = tensor(
      [
        [1, 1],
        [0, 0],
      ],
      { dtype: 'float64' },
    );
    new SGD([w], { lr: 1 }).step();
    expect(w.toArray()).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect(storage.toArray()).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  it('throws InvalidArgumentError for a non-leaf tensor or one without requiresGrad', () => {
    const w = zeros([2], { requiresGrad: true });
    expect(() => new SGD([w.mul(2)], { lr: 0.1 })).toThrow(InvalidArgumentError);
    expect(() => new Adam([w.mul(2)])).toThrow(
      /params\[0\] must be a leaf tensor; got the result of an operation/,
    );
    expect(() => new SGD([w, zeros([2])], { lr: 0.1 })).toThrow(
      /params\[1\] must require gradients; got a tensor with requiresGrad = false/,
    );
    expect(() => new SGD([w, 3 as unknown as Tensor], { lr: 0.1 })).toThrow(/params\[1\] must be a Tensor/);
  });

  it('throws InvalidArgumentError when lr is set to a negative number', () => {
    const optimizer = new SGD(makeParams(), { lr: 0.1 });
    expect(() => {
      optimizer.lr = -1;
    }).toThrow(InvalidArgumentError);
  });

  it('throws from loadStateDict on a malformed state and changes nothing', () => {
    const ps = makeParams();
    const optimizer = new Adam(ps, { lr: 0.1 });
    ps[0]!.grad = grads(1)[0]!;
    optimizer.step();
    const good = optimizer.stateDict();
    const load = (sd: unknown) => () => optimizer.loadStateDict(sd as OptimizerStateDict);
    const withState = (state: unknown): OptimizerStateDict =>
      ({ state: { '0': state }, hyperparameters: good.hyperparameters }) as OptimizerStateDict;
    expect(load(null)).toThrow(InvalidArgumentError);
    expect(load({ state: {}, hyperparameters: { lr: -1 } })).toThrow(InvalidArgumentError);
    expect(load({ state: {}, hyperparameters: { lr: 0.1, betas: [1, 0.9] } })).toThrow(InvalidArgumentError);
    expect(load({ state: { '7': good.state['0'] }, hyperparameters: good.hyperparameters })).toThrow(
      "Adam.loadStateDict: state key '7' must be a parameter index in [0, 2).",
    );
    expect(load(withState({ step: 1.5, buffers: {} }))).toThrow(InvalidArgumentError);
    expect(load(withState({ step: 1, buffers: { momentum: zeros([2, 2]) } }))).toThrow(
      "unknown buffer 'momentum'",
    );
    expect(load(withState({ step: 1, buffers: { expAvg: [1, 2, 3, 4] } }))).toThrow(InvalidArgumentError);
    expect(load(withState({ step: 1, buffers: { expAvg: zeros([4]) } }))).toThrow(ShapeError);
    expect(load(withState({ step: 1, buffers: { expAvg: zeros([4]) } }))).toThrow(
      "Adam.loadStateDict: state['0'].buffers.expAvg must have shape (2, 2); got (4).",
    );
    expect(optimizer.stateDict()).toEqual(good);
  });
});
