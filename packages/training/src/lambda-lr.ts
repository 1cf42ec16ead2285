import { InvalidArgumentError } from '@attnkit/tensor';
import { describe } from './internal/check.js';
import { LRScheduler } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';

/**
 * Sets the learning rate to the base rate times a user factor: `lr(t) = baseLr · lrLambda(t)`
 * (PyTorch `LambdaLR`).
 *
 * Shapes: none (sets `optimizer.lr`)
 *
 * @param optimizer - Its current `lr` becomes the base rate.
 * @param lrLambda - The factor at step `t` (0 at construction, then 1, 2, … after each `step()`).
 * @throws {@link InvalidArgumentError} if `lrLambda` is not a function, or (at construction or in
 *   `step()`) it gives a factor that makes the rate negative or not finite.
 * @see PyTorch `torch.optim.lr_scheduler.LambdaLR`.
 * @example
 * ```ts
 * const optimizer = new SGD(new Linear({ inFeatures: 2, outFeatures: 1 }).parameters(), { lr: 0.1 });
 * const scheduler = new LambdaLR(optimizer, (t) => 0.95 ** t);
 * ```
 */
export class LambdaLR extends LRScheduler {
  constructor(optimizer: Optimizer, lrLambda: (step: number) => number) {
    if (typeof lrLambda !== 'function') {
      throw new InvalidArgumentError(`LambdaLR: lrLambda must be a function; got ${describe(lrLambda)}.`);
    }
    super('LambdaLR', optimizer, (t, base) => base * lrLambda(t));
  }
}
