import { checkOptions, InvalidArgumentError } from '@attnkit/tensor';
import { checkInteger, checkNonNegative } from './internal/check.js';
import { LRScheduler } from './lr-scheduler.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link CosineWithWarmup}. */
export interface CosineWithWarmupOptions {
  /** Steps of linear warm-up from 0 to the base rate. */
  warmupSteps: number;
  /** Step at which the cosine decay reaches `minLr` (≥ warmupSteps). */
  totalSteps: number;
  /** The final learning rate; default 0. */
  minLr?: number;
}

/**
 * Linear warm-up from 0 to the base rate over `warmupSteps`, then cosine decay to `minLr` at
 * `totalSteps`, constant after.
 *
 * Shapes: none (sets `optimizer.lr`)
 *
 * `lr(t) = baseLr · t / W` for t < W; else with `p = min(1, (t − W) / (T − W))`,
 * `lr(t) = minLr + (baseLr − minLr) · (1 + cos(π·p)) / 2`.
 *
 * @param optimizer - Its current `lr` becomes the peak (base) rate.
 * @param options - `warmupSteps` W (integer ≥ 0), `totalSteps` T (integer ≥ W), `minLr` (default 0).
 * @throws {@link InvalidArgumentError} if `warmupSteps` is not an integer ≥ 0, `totalSteps` is not
 *   an integer ≥ `warmupSteps`, or `minLr` is negative, not finite or above the base rate.
 * @remarks With `minLr = 0` this is Hugging Face's `get_cosine_schedule_with_warmup` up to
 *   `totalSteps`; past it the rate stays at `minLr` instead of rising again.
 * @see Loshchilov & Hutter 2017, "SGDR"; Goyal et al. 2017 (linear warm-up); Hugging Face
 *   `transformers.get_cosine_schedule_with_warmup`.
 * @example
 * ```ts
 * const optimizer = new SGD(new Linear({ inFeatures: 2, outFeatures: 1 }).parameters(), { lr: 0.1 });
 * const scheduler = new CosineWithWarmup(optimizer, { warmupSteps: 100, totalSteps: 1000, minLr: 1e-5 });
 * ```
 */
export class CosineWithWarmup extends LRScheduler {
  constructor(optimizer: Optimizer, options: CosineWithWarmupOptions) {
    const op = 'CosineWithWarmup';
    checkOptions(
      op,
      options,
      { warmupSteps: 'number', totalSteps: 'number', minLr: 'number' },
      { required: true },
    );
    const warmup = checkInteger(op, 'warmupSteps', options?.warmupSteps, 0);
    const total = checkInteger(op, 'totalSteps', options.totalSteps, warmup);
    const minLr = checkNonNegative(op, 'minLr', options.minLr ?? 0);
    if (optimizer !== null && typeof optimizer === 'object' && minLr > optimizer.lr) {
      throw new InvalidArgumentError(
        `${op}: minLr must not exceed the optimizer's base lr ${optimizer.lr}; got ${minLr}.`,
      );
    }
    super(op, optimizer, (t, base) => {
      if (t < warmup) return (base * t) / warmup;
      const progress = total === warmup ? 1 : Math.min(1, (t - warmup) / (total - warmup));
      return minLr + ((base - minLr) * (1 + Math.cos(Math.PI * progress))) / 2;
    });
  }
}
