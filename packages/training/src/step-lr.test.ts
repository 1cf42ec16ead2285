import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, zeros } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import type { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { StepLR } from './step-lr.js';

const optimizerWith = (lr: number) => new SGD([new Parameter(zeros([1]))], { lr });

describe('StepLR', () => {
  it('multiplies the rate by gamma every stepSize steps', () => {
    const optimizer = optimizerWith(1);
    const scheduler = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    const lrs = [scheduler.lastLr];
    for (let i = 0; i < 6; i++) lrs.push(scheduler.step());
    expectAllClose(lrs, [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125], 1e-15, 0);
    expect(optimizer.lr).toBeCloseTo(0.125, 15);
    expect(scheduler.lastStep).toBe(6);
  });

  it('decays by 0.1 by default', () => {
    const scheduler = new StepLR(optimizerWith(0.5), { stepSize: 1 });
    expect(scheduler.step()).toBeCloseTo(0.05, 15);
  });

  it('throws InvalidArgumentError for a stepSize that is not an integer ≥ 1 or a negative gamma', () => {
    expect(() => new StepLR(optimizerWith(1), { stepSize: 0 })).toThrow(
      'StepLR: stepSize must be an integer ≥ 1; got 0.',
    );
    expect(() => new StepLR(optimizerWith(1), { stepSize: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new StepLR(optimizerWith(1), { stepSize: 1, gamma: -0.1 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when optimizer is not an Optimizer', () => {
    expect(() => new StepLR({ lr: 1 } as unknown as Optimizer, { stepSize: 1 })).toThrow(
      'StepLR: optimizer must be an Optimizer',
    );
  });
});
