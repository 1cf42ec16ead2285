import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, zeros } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { CosineWithWarmup } from './cosine-with-warmup.js';
import { SGD } from './sgd.js';

const optimizerWith = (lr: number) => new SGD([new Parameter(zeros([1]))], { lr });

function run(
  baseLr: number,
  warmupSteps: number,
  totalSteps: number,
  minLr: number,
  steps: number,
): number[] {
  const scheduler = new CosineWithWarmup(optimizerWith(baseLr), { warmupSteps, totalSteps, minLr });
  const lrs = [scheduler.lastLr];
  for (let i = 0; i < steps; i++) lrs.push(scheduler.step());
  return lrs;
}

describe('CosineWithWarmup', () => {
  it('warms up linearly from 0, then decays along a cosine to minLr and stays there', () => {
    // base 1, W = 2, T = 6, minLr 0.1: cosine phase p = (t − 2)/4.
    const c = (p: number) => 0.1 + (0.9 * (1 + Math.cos(Math.PI * p))) / 2;
    expectAllClose(run(1, 2, 6, 0.1, 8), [0, 0.5, 1, c(0.25), c(0.5), c(0.75), 0.1, 0.1, 0.1], 1e-15, 0);
    expect(c(0.25)).toBeCloseTo(0.868198, 6); // hand value: 0.1 + 0.9·(1 + √2/2)/2
  });

  it('starts at the base rate without warm-up and drops to minLr when totalSteps equals warmupSteps', () => {
    expectAllClose(run(2, 0, 4, 0, 1), [2, (2 * (1 + Math.cos(Math.PI / 4))) / 2], 1e-15, 0);
    expectAllClose(run(1, 3, 3, 0.25, 4), [0, 1 / 3, 2 / 3, 0.25, 0.25], 1e-15, 0);
  });

  it('rises during warm-up and never rises after, staying within [minLr, base]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (warmup, extra, minFraction) => {
          const lrs = run(1, warmup, warmup + extra, minFraction, warmup + extra + 3);
          for (let t = 1; t < lrs.length; t++) {
            if (t < warmup) expect(lrs[t]!).toBeGreaterThan(lrs[t - 1]!);
            else if (t > warmup) expect(lrs[t]!).toBeLessThanOrEqual(lrs[t - 1]! + 1e-15);
            if (t >= warmup) {
              expect(lrs[t]!).toBeGreaterThanOrEqual(minFraction - 1e-15);
              expect(lrs[t]!).toBeLessThanOrEqual(1 + 1e-15);
            }
          }
        },
      ),
    );
  });

  it('throws InvalidArgumentError for invalid step counts', () => {
    expect(() => run(1, -1, 5, 0, 0)).toThrow(
      'CosineWithWarmup: warmupSteps must be an integer ≥ 0; got -1.',
    );
    expect(() => run(1, 1.5, 5, 0, 0)).toThrow(InvalidArgumentError);
    expect(() => run(1, 5, 4, 0, 0)).toThrow('CosineWithWarmup: totalSteps must be an integer ≥ 5; got 4.');
  });

  it('throws InvalidArgumentError for a negative minLr or one above the base rate', () => {
    expect(() => run(1, 0, 5, -0.1, 0)).toThrow(InvalidArgumentError);
    expect(() => run(0.1, 0, 5, 0.2, 0)).toThrow(
      "CosineWithWarmup: minLr must not exceed the optimizer's base lr 0.1; got 0.2.",
    );
  });
});
