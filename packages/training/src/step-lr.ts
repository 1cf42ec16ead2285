import { checkOptions } from '@attnkit/tensor';
import { checkInteger, checkNonNegative } from './internal/check.js';
import { LRScheduler } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Steps between decays (PyTorch `step_size`). */
  stepSize: number;
  /** Multiplicative decay factor; default 0.1. */
  gamma?: number;
}

/**
 * Decays the learning rate by `gamma` every `stepSize` steps: `lr(t) = baseLr · gamma^⌊t / stepSize⌋`
 * (PyTorch `StepLR`).
 *
 * Shapes: none (sets `optimizer.lr`)
 *
 * @param optimizer - Its current `lr` becomes the base rate.
 * @param options - `stepSize` (integer ≥ 1), `gamma` (default 0.1).
 * @throws {@link InvalidArgumentError} if `stepSize` is not an integer ≥ 1 or `gamma` is negative or not finite.
 * @remarks Uses the closed form (PyTorch `_get_closed_form_lr`), so a rate changed by hand between
 *   steps is overwritten rather than compounded.
 * @see PyTorch `torch.optim.lr_scheduler.StepLR`.
 * @example
 * ```ts
 * const optimizer = new SGD(new Linear({ inFeatures: 2, outFeatures: 1 }).parameters(), { lr: 0.1 });
 * const scheduler = new StepLR(optimizer, { stepSize: 30, gamma: 0.1 }); // 0.1 → 0.01 at step 30
 * ```
 */
export class StepLR extends LRScheduler {
  constructor(optimizer: Optimizer, options: StepLROptions) {
    checkOptions(
      'StepLR',
      options,
      { stepSize: 'number', gamma: 'number' },
      { required: true, usage: 'new StepLR(optimizer, { stepSize: 10 })' },
    );
    const stepSize = checkInteger('StepLR', 'stepSize', options?.stepSize, 1);
    const gamma = checkNonNegative('StepLR', 'gamma', options.gamma ?? 0.1);
    super('StepLR', optimizer, (t, base) => base * gamma ** Math.floor(t / stepSize));
  }
}
