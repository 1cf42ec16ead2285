import { InvalidArgumentError } from '@attnkit/tensor';
import { describe } from './internal/check.js';
import { Optimizer } from './optimizer.js';

/** The learning rate at step `step` for an optimizer whose initial rate was `baseLr`. */
export type Schedule = (step: number, baseLr: number) => number;

/** A scheduler's resumable state (PyTorch `scheduler.state_dict()`). */
export interface LRSchedulerStateDict {
  /** Number of `step()` calls so far (PyTorch `last_epoch`). */
  readonly lastStep: number;
  /** The optimizer's learning rate when the scheduler was created (PyTorch `base_lrs[0]`). */
  readonly baseLr: number;
}

/**
 * Base class of the learning-rate schedulers: on construction it sets the optimizer's `lr` to the
 * schedule's value at step 0, and each {@link LRScheduler.step} advances one step and sets it
 * again (PyTorch `torch.optim.lr_scheduler.LRScheduler`, closed form).
 *
 * Call `scheduler.step()` after `optimizer.step()`, once per training step (or per epoch, if the
 * schedule counts epochs).
 *
 * @see PyTorch `torch.optim.lr_scheduler`.
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this scheduler sets. */
  readonly optimizer: Optimizer;
  #baseLr: number;
  #lastStep = 0;
  readonly #schedule: Schedule;
  readonly #op: string;

  /** @throws {@link InvalidArgumentError} if `optimizer` is not an {@link Optimizer} or the schedule gives an invalid rate. */
  protected constructor(op: string, optimizer: Optimizer, schedule: Schedule) {
    if (!(optimizer instanceof Optimizer)) {
      throw new InvalidArgumentError(`${op}: optimizer must be an Optimizer; got ${describe(optimizer)}.`);
    }
    this.#op = op;
    this.optimizer = optimizer;
    this.#baseLr = optimizer.lr;
    this.#schedule = schedule;
    this.#apply();
  }

  /** The optimizer's learning rate when the scheduler was created. */
  get baseLr(): number {
    return this.#baseLr;
  }

  /** Number of `step()` calls so far (PyTorch `last_epoch`). */
  get lastStep(): number {
    return this.#lastStep;
  }

  /** The learning rate the scheduler last set (PyTorch `get_last_lr()[0]`). */
  get lastLr(): number {
    return this.optimizer.lr;
  }

  /**
   * Advances one step and sets the optimizer's learning rate.
   * @returns The new learning rate.
   * @throws {@link InvalidArgumentError} if the schedule gives a negative or non-finite rate.
   */
  step(): number {
    this.#lastStep += 1;
    return this.#apply();
  }

  /** The step count and base rate, for {@link LRScheduler.loadStateDict}. */
  stateDict(): LRSchedulerStateDict {
    return { lastStep: this.#lastStep, baseLr: this.#baseLr };
  }

  /**
   * Restores a {@link LRScheduler.stateDict} and sets the optimizer's rate for that step.
   * @throws {@link InvalidArgumentError} if `lastStep` is not an integer ≥ 0 or `baseLr` is not a finite number ≥ 0.
   */
  loadStateDict(state: LRSchedulerStateDict): void {
    const op = `${this.#op}.loadStateDict`;
    if (!Number.isSafeInteger(state?.lastStep) || state.lastStep < 0) {
      throw new InvalidArgumentError(
        `${op}: lastStep must be an integer ≥ 0; got ${describe(state?.lastStep)}.`,
      );
    }
    if (typeof state.baseLr !== 'number' || !Number.isFinite(state.baseLr) || state.baseLr < 0) {
      throw new InvalidArgumentError(
        `${op}: baseLr must be a finite number ≥ 0; got ${describe(state.baseLr)}.`,
      );
    }
    this.#lastStep = state.lastStep;
    this.#baseLr = state.baseLr;
    this.#apply();
  }

  #apply(): number {
    const lr = this.#schedule(this.#lastStep, this.#baseLr);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new InvalidArgumentError(
        `${this.#op}: the schedule must give a finite learning rate ≥ 0; got ${describe(lr)} at step ${this.#lastStep}.`,
      );
    }
    this.optimizer.lr = lr;
    return lr;
  }
}
