import type { Tensor, TypedArray } from '@attnkit/tensor';
import { checkOptions } from '@attnkit/tensor';
import type { AdamOptions } from '../adam.js';
import { type FloatArray, type Hyperparameter, Optimizer, type ParamState } from '../optimizer.js';
import { ADAM_BUFFERS, type AdamHyper, adamUpdate, normalizeAdam } from './adam-update.js';
import { BETAS } from './options.js';

/**
 * The shared body of {@link Adam} and {@link AdamW}: hyperparameter storage, accessors, state
 * (de)serialisation and the per-parameter update; `decoupled` selects AdamW's weight decay and
 * `defaultWeightDecay` the λ used when the option is absent.
 */
export abstract class AdamBase extends Optimizer {
  #h: AdamHyper;
  readonly #decoupled: boolean;
  readonly #defaultWeightDecay: number;

  protected constructor(
    op: string,
    params: Iterable<Tensor>,
    options: AdamOptions,
    defaultWeightDecay: number,
    decoupled: boolean,
  ) {
    checkOptions(
      op,
      options,
      { lr: 'number', betas: BETAS, eps: 'number', weightDecay: 'number', amsgrad: 'boolean' },
      { usage: `new ${op}(model.parameters(), { lr: 1e-3 })` },
    );
    super(op, params, options?.lr ?? 1e-3);
    this.#h = normalizeAdam(op, options as Readonly<Record<string, unknown>>, defaultWeightDecay);
    this.#decoupled = decoupled;
    this.#defaultWeightDecay = defaultWeightDecay;
  }

  /** (β1, β2). */
  get betas(): readonly [number, number] {
    return this.#h.betas;
  }

  /** The denominator's eps. */
  get eps(): number {
    return this.#h.eps;
  }

  /** Weight decay λ (L2 for Adam, decoupled for AdamW). */
  get weightDecay(): number {
    return this.#h.weightDecay;
  }

  /** Whether AMSGrad is on. */
  get amsgrad(): boolean {
    return this.#h.amsgrad;
  }

  protected update(p: FloatArray, g: TypedArray, state: ParamState): void {
    adamUpdate(p, g, state, this.lr, this.#h, this.#decoupled);
  }

  protected hyperparameters(): Record<string, Hyperparameter> {
    return { ...this.#h, betas: [...this.#h.betas] };
  }

  protected loadHyperparameters(op: string, values: Readonly<Record<string, unknown>>): () => void {
    const h = normalizeAdam(op, values, this.#defaultWeightDecay);
    return () => {
      this.#h = h;
    };
  }

  protected bufferNames(): readonly string[] {
    return ADAM_BUFFERS;
  }
}
