import { Dropout, Linear, Sequential } from '@attnkit/layers';
import {
  add,
  Generator,
  InvalidArgumentError,
  isGradEnabled,
  matmul,
  mul,
  randn,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { fit } from './fit.js';
import { loadArray } from './load-array.js';
import type { LRScheduler } from './lr-scheduler.js';
import { mseLoss } from './mse-loss.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { StepLR } from './step-lr.js';

/** D2L §3.3's synthetic data: y = Xw + b + noise with w = [2, −3.4], b = 4.2. */
function synthetic(seed: number, n = 100): [Tensor, Tensor] {
  const rng = new Generator(seed);
  const X = randn([n, 2], { rng });
  const y = add(add(matmul(X, tensor([[2], [-3.4]])), 4.2), mul(randn([n, 1], { rng }), 0.01));
  return [X, y];
}

const linear = (seed: number) => new Linear({ inFeatures: 2, outFeatures: 1, rng: new Generator(seed) });
const mse = (m: Linear, [X, y]: Tensor[]) => mseLoss(m.forward(X!), y!);

describe('fit', () => {
  it('lowers the loss of linear regression and recovers D2L’s weights', async () => {
    const model = linear(0);
    const data = loadArray(synthetic(1, 1000), 10, { rng: new Generator(2) });
    const { lossHistory, steps, aborted } = await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.03 }),
      data,
      epochs: 3,
      lossFn: mse,
    });
    expect(steps).toBe(300);
    expect(aborted).toBe(false);
    expect(lossHistory[lossHistory.length - 1]!).toBeLessThan(lossHistory[0]! / 100);
    // D2L: "error in estimating w: [0.0002, -0.0002]" after 3 epochs over 1000 examples.
    const [w0, w1] = model.weight.toTypedArray();
    expect(Math.abs(w0! - 2)).toBeLessThan(0.01);
    expect(Math.abs(w1! + 3.4)).toBeLessThan(0.01);
    expect(Math.abs(model.bias!.toTypedArray()[0]! - 4.2)).toBeLessThan(0.01);
  });

  it('gives the same losses bit for bit from the same seeds, dropout included', async () => {
    const run = async () => {
      const model = new Sequential(
        new Linear({ inFeatures: 2, outFeatures: 8, rng: new Generator(0) }),
        new Dropout({ p: 0.3, rng: new Generator(5) }),
        new Linear({ inFeatures: 8, outFeatures: 1, rng: new Generator(1) }),
      );
      const result = await fit({
        model,
        optimizer: new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
        data: loadArray(synthetic(3, 40), 8, { rng: new Generator(4) }),
        steps: 12,
        lossFn: (m, [X, y]) => mseLoss(m.forward(X!) as Tensor, y!),
      });
      return result.lossHistory;
    };
    const first = await run();
    const second = await run();
    // Exact equality on purpose: reproducibility means identical bits.
    expect(second).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
  });

  it('cycles an iterable to reach steps and accepts a batch function', async () => {
    const data = loadArray(synthetic(1, 20), 10, { rng: new Generator(0) });
    const model = linear(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    expect((await fit({ model, optimizer, data, steps: 5, lossFn: mse })).steps).toBe(5);
    const batch = synthetic(2, 10);
    expect(
      (await fit({ model, optimizer, data: () => batch, steps: 3, lossFn: mse })).lossHistory.length,
    ).toBe(3);
  });

  it('steps the scheduler after each optimizer step and reports the rate each step used', async () => {
    const model = linear(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    const lrs: number[] = [];
    const batch = synthetic(1, 10);
    await fit({
      model,
      optimizer,
      scheduler,
      data: () => batch,
      steps: 5,
      lossFn: mse,
      callbacks: { onStep: ({ lr }) => void lrs.push(lr) },
    });
    expect(lrs.map((v) => Math.round(v * 1000))).toEqual([100, 100, 50, 50, 25]);
    expect(scheduler.lastStep).toBe(5);
  });

  it('clips the gradient norm and reports it', async () => {
    const model = linear(0);
    const norms: number[] = [];
    const batch = synthetic(1, 10);
    const before = Array.from(model.weight.toTypedArray());
    await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 1 }),
      data: () => batch,
      steps: 1,
      clipNorm: 1e-3,
      lossFn: mse,
      callbacks: { onStep: ({ gradNorm }) => void norms.push(gradNorm ?? Number.NaN) },
    });
    expect(norms[0]).toBeGreaterThan(1);
    // One step of lr 1 on a gradient of norm ≤ 1e-3 moves the weights by at most 1e-3.
    const after = model.weight.toTypedArray();
    before.forEach((w, i) => {
      expect(Math.abs(after[i]! - w)).toBeLessThanOrEqual(1e-3 + 1e-7);
    });
  });

  it('evaluates every k steps in eval mode without autograd, then returns to training mode', async () => {
    const model = linear(0);
    const batch = synthetic(1, 10);
    const seen: [boolean, boolean][] = [];
    const evals: number[] = [];
    let ended = 0;
    const result = await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      data: () => batch,
      steps: 7,
      lossFn: (m, b) => {
        expect(m.training).toBe(true);
        return mse(m, b);
      },
      evaluate: {
        every: 3,
        fn: (m, step) => {
          seen.push([m.training, isGradEnabled()]);
          return step === 3 ? mse(m, batch) : 0.5;
        },
      },
      callbacks: { onEval: ({ step }) => void evals.push(step), onEnd: () => void ended++ },
    });
    expect(result.valHistory.map((v) => v.step)).toEqual([3, 6]);
    expect(result.valHistory[1]!.value).toBeCloseTo(0.5, 12);
    expect(seen).toEqual([
      [false, false],
      [false, false],
    ]);
    expect(evals).toEqual([3, 6]);
    expect(ended).toBe(1);
    expect(model.training).toBe(true);
  });

  it('stops cleanly before the next step once the signal aborts', async () => {
    const model = linear(0);
    const batch = synthetic(1, 10);
    const controller = new AbortController();
    const result = await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      data: () => batch,
      steps: 100,
      lossFn: mse,
      signal: controller.signal,
      callbacks: { onStep: ({ step }) => (step === 3 ? controller.abort() : undefined) },
    });
    expect(result.steps).toBe(3);
    expect(result.lossHistory.length).toBe(3);
    expect(result.aborted).toBe(true);
  });

  it('yields to the event loop, so a timer can abort a long run', async () => {
    const model = linear(0);
    const batch = synthetic(1, 10);
    const signal = AbortSignal.timeout(50);
    const result = await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.001 }),
      data: () => batch,
      steps: 1e9,
      lossFn: mse,
      signal,
    });
    expect(result.aborted).toBe(true);
    expect(result.steps).toBeGreaterThan(0);
    expect(result.steps).toBeLessThan(1e9);
  });

  it('takes no step with a signal that is already aborted', async () => {
    const model = linear(0);
    const result = await fit({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.01 }),
      data: () => synthetic(1, 10),
      steps: 10,
      lossFn: mse,
      signal: AbortSignal.abort(),
    });
    expect([result.steps, result.aborted]).toEqual([0, true]);
  });

  it('rejects with InvalidArgumentError unless exactly one of steps and epochs is given', async () => {
    const model = linear(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    const data = () => synthetic(1, 10);
    await expect(fit({ model, optimizer, data, lossFn: mse })).rejects.toThrow(
      'fit: give exactly one of steps and epochs.',
    );
    await expect(fit({ model, optimizer, data, steps: 1, epochs: 1, lossFn: mse })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(fit({ model, optimizer, data, steps: -1, lossFn: mse })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects with InvalidArgumentError for epochs with a function, or data of another kind', async () => {
    const model = linear(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    await expect(
      fit({ model, optimizer, data: () => synthetic(1, 10), epochs: 1, lossFn: mse }),
    ).rejects.toThrow('fit: epochs needs an iterable data; with a function, give steps.');
    await expect(
      fit({ model, optimizer, data: 3 as unknown as () => Tensor[], steps: 1, lossFn: mse }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('rejects with InvalidArgumentError when a single-use generator runs dry before steps', async () => {
    const model = linear(0);
    const batch = synthetic(1, 10);
    function* once() {
      yield batch;
    }
    await expect(
      fit({
        model,
        optimizer: new SGD(model.parameters(), { lr: 0.01 }),
        data: once(),
        steps: 3,
        lossFn: mse,
      }),
    ).rejects.toThrow('fit: data yielded no batch in a pass with 2 steps to go');
  });

  it('rejects with InvalidArgumentError when lossFn returns more than one element or evaluate.fn a non-number', async () => {
    const model = linear(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    const batch = synthetic(1, 10);
    await expect(
      fit({ model, optimizer, data: () => batch, steps: 1, lossFn: (m, [X]) => m.forward(X!) }),
    ).rejects.toThrow('fit: lossFn must return a one-element Tensor; got shape (10, 1).');
    await expect(
      fit({
        model,
        optimizer,
        data: () => batch,
        steps: 1,
        lossFn: mse,
        evaluate: { every: 1, fn: () => 'low' as unknown as number },
      }),
    ).rejects.toThrow(InvalidArgumentError);
  });

  it('rejects with InvalidArgumentError for a wrong optimizer, scheduler, lossFn, clipNorm or evaluate', async () => {
    const model = linear(0);
    const optimizer = new SGD(model.parameters(), { lr: 0.01 });
    const data = () => synthetic(1, 10);
    const base = { model, optimizer, data, steps: 1, lossFn: mse };
    await expect(fit({ ...base, optimizer: {} as Optimizer })).rejects.toThrow(
      'fit: optimizer must be an Optimizer',
    );
    await expect(fit({ ...base, scheduler: {} as LRScheduler })).rejects.toThrow(InvalidArgumentError);
    await expect(fit({ ...base, lossFn: 1 as unknown as typeof mse })).rejects.toThrow(InvalidArgumentError);
    await expect(fit({ ...base, clipNorm: -1 })).rejects.toThrow(InvalidArgumentError);
    await expect(fit({ ...base, evaluate: { every: 0, fn: () => 1 } })).rejects.toThrow(
      'fit: evaluate.every must be an integer ≥ 1; got 0.',
    );
    await expect(
      fit({ ...base, evaluate: { every: 1, fn: 'x' as unknown as () => number } }),
    ).rejects.toThrow(InvalidArgumentError);
  });
});
