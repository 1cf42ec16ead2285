import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, zeros } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { CosineWithWarmup } from './cosine-with-warmup.js';
import type { LRSchedulerStateDict } from './lr-scheduler.js';
import { SGD } from './sgd.js';

const optimizerWith = (lr: number) => new SGD([new Parameter(zeros([1]))], { lr });

describe('LRScheduler', () => {
  it('resumes a schedule from its state dict', () => {
    const options = { warmupSteps: 3, totalSteps: 10 };
    const a = new CosineWithWarmup(optimizerWith(0.5), options);
    for (let i = 0; i < 5; i++) a.step();
    const optimizer = optimizerWith(0.5);
    const b = new CosineWithWarmup(optimizer, options);
    b.loadStateDict(a.stateDict());
    expect(b.lastStep).toBe(5);
    expect(b.baseLr).toBeCloseTo(0.5, 15);
    expect(optimizer.lr).toBeCloseTo(a.lastLr, 15);
    expect(b.step()).toBeCloseTo(a.step(), 15);
  });

  it('throws InvalidArgumentError from loadStateDict for a bad lastStep or baseLr', () => {
    const s = new CosineWithWarmup(optimizerWith(0.5), { warmupSteps: 1, totalSteps: 2 });
    const load = (state: unknown) => () => s.loadStateDict(state as LRSchedulerStateDict);
    expect(load({ lastStep: -1, baseLr: 0.1 })).toThrow(
      'CosineWithWarmup.loadStateDict: lastStep must be an integer ≥ 0; got -1.',
    );
    expect(load({ lastStep: 1, baseLr: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
    expect(load(undefined)).toThrow(InvalidArgumentError);
    expect(s.lastStep).toBe(0);
  });
});
