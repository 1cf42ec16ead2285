import { Parameter } from '@attnkit/layers';
import { InvalidArgumentError, zeros } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../test/helpers.js';
import { LambdaLR } from './lambda-lr.js';
import { SGD } from './sgd.js';

const optimizerWith = (lr: number) => new SGD([new Parameter(zeros([1]))], { lr });

describe('LambdaLR', () => {
  it('sets lr to baseLr · lrLambda(step), starting at step 0', () => {
    const optimizer = optimizerWith(0.2);
    const scheduler = new LambdaLR(optimizer, (t) => 1 / (t + 1));
    const lrs = [optimizer.lr, scheduler.step(), scheduler.step(), scheduler.step()];
    expectAllClose(lrs, [0.2, 0.1, 0.2 / 3, 0.05], 1e-15, 0);
  });

  it('throws InvalidArgumentError when lrLambda is not a function', () => {
    expect(() => new LambdaLR(optimizerWith(1), 0.5 as unknown as (t: number) => number)).toThrow(
      'LambdaLR: lrLambda must be a function; got 0.5.',
    );
  });

  it('throws InvalidArgumentError when the factor makes the rate negative or not finite', () => {
    expect(() => new LambdaLR(optimizerWith(1), () => -1)).toThrow(InvalidArgumentError);
    const scheduler = new LambdaLR(optimizerWith(1), (t) => (t < 2 ? 1 : Number.NaN));
    scheduler.step();
    expect(() => scheduler.step()).toThrow(
      'LambdaLR: the schedule must give a finite learning rate ≥ 0; got NaN at step 2.',
    );
  });
});
