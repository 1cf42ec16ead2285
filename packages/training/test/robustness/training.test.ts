import { Linear } from '@attnkit/layers';
import { InvalidArgumentError, NonFiniteError, tensor } from '@attnkit/tensor';
import { type ErrorClass, expectThrows } from '@attnkit/testing';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  clipGradNorm,
  crossEntropy,
  fit,
  maskedSoftmaxCELoss,
  mseLoss,
  SGD,
  StepLR,
  trainValSplit,
  WeightAverage,
} from '../../src/index.js';

/** One bad call: the call, the error class and a pattern naming the argument. */
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

const expectCase = ([, call, cls, pattern]: Case): void => {
  expectThrows(call, cls, pattern);
};

const params = () => new Linear({ inFeatures: 2, outFeatures: 1 }).parameters();
const logits = () => tensor([[1, 2, 3]]);
const targets = () => tensor([2], { dtype: 'int32' });

describe('robustness: training options are checked', () => {
  const cases: Case[] = [
    [
      'Adam beta1',
      () => new Adam(params(), { beta1: 0.9 } as never),
      InvalidArgumentError,
      /^Adam: unknown option 'beta1' in options\. Did you mean 'betas'\?/,
    ],
    [
      'AdamW weight_decay',
      () => new AdamW(params(), { weight_decay: 0.1 } as never),
      InvalidArgumentError,
      /Did you mean 'weightDecay'/,
    ],
    [
      'Adam(params, 0.01)',
      () => new Adam(params(), 0.01 as never),
      InvalidArgumentError,
      /^Adam: options must be an options object .*new Adam\(model\.parameters\(\), \{ lr: 1e-3 \}\)/,
    ],
    [
      "SGD nesterov: 'yes'",
      () => new SGD(params(), { lr: 0.1, nesterov: 'yes' as never }),
      InvalidArgumentError,
      /options\.nesterov must be a boolean/,
    ],
    [
      'SGD(params, 0.1)',
      () => new SGD(params(), 0.1 as never),
      InvalidArgumentError,
      /^SGD: options must be an options object/,
    ],
    [
      'crossEntropy ignore_index',
      () => crossEntropy(logits(), targets(), { ignore_index: -100 } as never),
      InvalidArgumentError,
      /^crossEntropy: unknown option 'ignore_index' in options\. Did you mean 'ignoreIndex'\?/,
    ],
    [
      'crossEntropy label_smoothing',
      () => crossEntropy(logits(), targets(), { label_smoothing: 0.1 } as never),
      InvalidArgumentError,
      /Did you mean 'labelSmoothing'/,
    ],
    [
      'mseLoss reduce',
      () => mseLoss(tensor([1]), tensor([1]), { reduce: 'sum' } as never),
      InvalidArgumentError,
      /Did you mean 'reduction'/,
    ],
    [
      'clipGradNorm norm_type',
      () => clipGradNorm(params(), 1, { norm_type: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'normType'/,
    ],
    [
      'StepLR step_size',
      () => new StepLR(new SGD(params(), { lr: 0.1 }), { step_size: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'stepSize'/,
    ],
    [
      'WeightAverage ema_decay',
      () => new WeightAverage(params(), { ema_decay: 0.99 } as never),
      InvalidArgumentError,
      /^new WeightAverage: unknown option 'ema_decay' in options\./,
    ],
    [
      'WeightAverage(params, 0.99)',
      () => new WeightAverage(params(), 0.99 as never),
      InvalidArgumentError,
      /^new WeightAverage: options must be an options object \{ decay\? \}/,
    ],
    [
      'trainValSplit(tokens, 0.1)',
      () => trainValSplit(new Int32Array(10), 0.1 as never),
      InvalidArgumentError,
      /^trainValSplit: options must be an options object \{ valFraction\? \}/,
    ],
    [
      'maskedSoftmaxCELoss length past steps',
      () => maskedSoftmaxCELoss(tensor([[[1, 2]]]), tensor([[1]], { dtype: 'int32' }), [5]),
      InvalidArgumentError,
      /validLen must hold integers in \[0, steps = 1\]; got 5/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: fit NaN policy', () => {
  const setup = (lossValue: () => number) => {
    const model = new Linear({ inFeatures: 1, outFeatures: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const x = tensor([[1]]);
    let calls = 0;
    const lossFn = () => {
      calls++;
      const y = model.forward(x).sum();
      return y.mul(0).add(lossValue()).add(y.mul(1e-3));
    };
    return { model, optimizer, lossFn, calls: () => calls };
  };

  it('rejects with NonFiniteError on a NaN loss and leaves the weights of the last finite step', async () => {
    let step = 0;
    const { model, optimizer, lossFn } = setup(() => (++step === 3 ? Number.NaN : 1));
    const before: number[][] = [];
    await expect(
      fit({
        model,
        optimizer,
        lossFn,
        data: () => null,
        steps: 5,
        callbacks: { onStep: () => void before.push(Array.from(model.weight.toTypedArray())) },
      }),
    ).rejects.toThrow(NonFiniteError);
    expect(Array.from(model.weight.toTypedArray())).toEqual(before[1]);
    expect(model.weight.toTypedArray().every(Number.isFinite)).toBe(true);
  });

  it('names the step and the value, and stops on a non-finite gradient norm', async () => {
    let step = 0;
    const a = setup(() => (++step === 2 ? Number.POSITIVE_INFINITY : 1));
    await expect(
      fit({ model: a.model, optimizer: a.optimizer, lossFn: a.lossFn, data: () => null, steps: 3 }),
    ).rejects.toThrow(/^fit: the loss is Infinity at step 2; training stopped before the update/);
    const model = new Linear({ inFeatures: 1, outFeatures: 1 });
    const lossFn = () =>
      model
        .forward(tensor([[Number.MAX_VALUE]]))
        .sum()
        .mul(1e300);
    await expect(
      fit({ model, optimizer: new SGD(model.parameters(), { lr: 0.1 }), lossFn, data: () => null, steps: 1 }),
    ).rejects.toThrow(/^fit: the (gradient norm|loss) is (Infinity|NaN|-Infinity) at step 1/);
  });

  it("skips the step with onNonFinite: 'skip' and counts it", async () => {
    let step = 0;
    const { model, optimizer, lossFn } = setup(() => (++step % 2 === 0 ? Number.NaN : 1));
    const skipped: number[] = [];
    const result = await fit({
      model,
      optimizer,
      lossFn,
      data: () => null,
      steps: 6,
      onNonFinite: 'skip',
      callbacks: { onSkip: (info) => void skipped.push(info.step) },
    });
    expect(result.skippedSteps).toBe(3);
    expect(skipped).toEqual([2, 4, 6]);
    expect(result.lossHistory.every(Number.isFinite)).toBe(true);
    expect(model.weight.toTypedArray().every(Number.isFinite)).toBe(true);
  });

  it('checks the fit options', async () => {
    const { model, optimizer, lossFn } = setup(() => 1);
    await expect(
      fit({ model, optimizer, lossFn, data: () => null, steps: 1, onNonFinite: 'ignore' as never }),
    ).rejects.toThrow(/options\.onNonFinite must be one of 'throw', 'skip'/);
    await expect(fit({ model, optimizer, lossFn, data: () => null, step: 1 } as never)).rejects.toThrow(
      /Did you mean 'steps'/,
    );
  });
});
