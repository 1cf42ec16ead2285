import { checkOptions, InvalidArgumentError, NonFiniteError, Tensor } from '@attnkit/tensor';
import { checkUnitInterval, describe } from './internal/check.js';
import { writeBack } from './internal/write-back.js';
import type { FloatArray } from './optimizer.js';

/** Options of {@link WeightAverage}. */
export interface WeightAverageOptions {
  /**
   * Exponential moving average with this decay in [0, 1): `avg ← decay·avg + (1 − decay)·p`.
   * Absent: the uniform mean of every update (stochastic weight averaging, checkpoint averaging).
   */
  decay?: number;
}

/**
 * A running average of parameter values, kept beside the parameters and swapped into them for
 * evaluation: the uniform mean of the snapshots given to {@link WeightAverage.update} (stochastic
 * weight averaging; the "average of the last checkpoints" of the Transformer paper), or their
 * exponential moving average with `decay` (PyTorch `AveragedModel`'s two standard `avg_fn`s).
 *
 * Shapes: one average per parameter, of its shape; stored in float64 whatever the parameter's dtype
 *
 * The first update copies the parameters (PyTorch `n_averaged == 0`); update n + 1 then computes
 * `avg + (p − avg) / (n + 1)` (uniform) or `decay·avg + (1 − decay)·p` (EMA).
 *
 * @param parameters - The tensors to average (e.g. `model.parameters()`); each given once.
 * @param options - `decay` for an EMA; absent for the uniform mean.
 * @throws {@link InvalidArgumentError} if `parameters` is empty, holds something that is not a
 *   Tensor or a tensor twice, or `decay` is not in [0, 1).
 * @remarks The averages are accumulated in float64, so a uniform mean of many float32 snapshots
 *   loses nothing to rounding before the final conversion to the parameter's dtype.
 * @see PyTorch `torch.optim.swa_utils.AveragedModel`; Izmailov et al. 2018, "Averaging Weights Leads
 *   to Wider Optima and Better Generalization"; Vaswani et al. 2017, §6.1 (the last 5 or 20
 *   checkpoints averaged).
 * @example
 * ```ts
 * const model = new Linear({ inFeatures: 2, outFeatures: 1 });
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * const average = new WeightAverage(model.parameters());
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = tensor([[1], [2]]);
 * for (let step = 1; step <= 20; step++) {
 *   optimizer.zeroGrad();
 *   mseLoss(model.forward(x), y).backward();
 *   optimizer.step();
 *   if (step > 10) average.update(); // the last half of training
 * }
 * average.swap(); // evaluate with the mean of the last 10 snapshots…
 * const averagedLoss = mseLoss(model.forward(x), y).item();
 * average.swap(); // …then back to the trained weights, exactly
 * ```
 */
export class WeightAverage {
  /** The parameters being averaged, in the order given. */
  readonly params: readonly Tensor[];
  /** The EMA decay, or `null` for the uniform mean. */
  readonly decay: number | null;
  readonly #avg: Float64Array[];
  #count = 0;
  /** The trained values while the averages are swapped in, else null. */
  #held: FloatArray[] | null = null;

  constructor(parameters: Iterable<Tensor>, options: WeightAverageOptions = {}) {
    const op = 'new WeightAverage';
    checkOptions(op, options, { decay: 'number' }, { usage: 'new WeightAverage(params, { decay: 0.999 })' });
    if (options.decay !== undefined) {
      checkUnitInterval(op, 'decay', options.decay);
    }
    this.decay = options.decay ?? null;
    const params: Tensor[] = [];
    const seen = new Set<Tensor>();
    let index = 0;
    for (const p of parameters) {
      if (!(p instanceof Tensor)) {
        throw new InvalidArgumentError(`${op}: parameters[${index}] must be a Tensor; got ${describe(p)}.`);
      }
      if (p.dtype !== 'float32' && p.dtype !== 'float64') {
        throw new InvalidArgumentError(
          `${op}: parameters[${index}] must be float32 or float64; got ${p.dtype}.`,
        );
      }
      if (seen.has(p)) {
        throw new InvalidArgumentError(`${op}: parameters[${index}] appears twice; give each tensor once.`);
      }
      seen.add(p);
      params.push(p);
      index++;
    }
    if (params.length === 0) throw new InvalidArgumentError(`${op}: parameters must not be empty.`);
    this.params = params;
    this.#avg = params.map((p) => new Float64Array(p.numel()));
  }

  /** Updates folded into the average so far (PyTorch `n_averaged`). */
  get count(): number {
    return this.#count;
  }

  /** Whether the averages are in the parameters now (between two {@link WeightAverage.swap}s). */
  get swapped(): boolean {
    return this.#held !== null;
  }

  /**
   * Folds the parameters' current values into the average.
   *
   * @throws {@link InvalidArgumentError} while the averages are swapped in (the parameters then
   *   hold the average, not trained values).
   * @throws {@link NonFiniteError} naming the parameter when one holds NaN or ±Infinity (a NaN
   *   would stay in the average for good); nothing is folded in then.
   */
  update(): void {
    if (this.#held !== null) {
      throw new InvalidArgumentError('WeightAverage.update: the averages are swapped in; swap() back first.');
    }
    const n = this.#count;
    const decay = this.decay;
    const snapshot = this.params.map((p) => p.toTypedArray() as FloatArray);
    snapshot.forEach((values, i) => {
      for (let j = 0; j < values.length; j++) {
        if (!Number.isFinite(values[j]!)) {
          throw new NonFiniteError(
            `WeightAverage.update: parameters[${i}] holds ${values[j]} at element ${j}; the average is unchanged.`,
          );
        }
      }
    });
    snapshot.forEach((values, i) => {
      const avg = this.#avg[i]!;
      if (n === 0) {
        avg.set(values);
      } else if (decay === null) {
        const scale = 1 / (n + 1);
        for (let j = 0; j < avg.length; j++) avg[j]! += (values[j]! - avg[j]!) * scale;
      } else {
        const keep = 1 - decay;
        for (let j = 0; j < avg.length; j++) avg[j] = decay * avg[j]! + keep * values[j]!;
      }
    });
    this.#count = n + 1;
  }

  /**
   * Exchanges the parameters' values with the averages (rounded to each parameter's dtype), in
   * place; a second call restores the trained values exactly.
   *
   * @throws {@link InvalidArgumentError} before the first {@link WeightAverage.update}.
   */
  swap(): void {
    if (this.#count === 0) {
      throw new InvalidArgumentError('WeightAverage.swap: no update yet; call update() first.');
    }
    const held = this.#held;
    if (held === null) {
      this.#held = this.params.map((p, i) => {
        const trained = (p.toTypedArray() as FloatArray).slice();
        const avg = this.#avg[i]!;
        writeBack(p, p.dtype === 'float32' ? Float32Array.from(avg) : avg);
        return trained;
      });
    } else {
      this.params.forEach((p, i) => {
        writeBack(p, held[i]!);
      });
      this.#held = null;
    }
  }
}
