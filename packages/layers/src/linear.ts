import {
  checkAllocation,
  checkOptions,
  formatShape,
  type Generator,
  InvalidArgumentError,
  linear,
  ShapeError,
  type Tensor,
  uniform,
} from '@attnkit/tensor';
import { checkCount, FLOAT_DTYPE, RNG } from './internal/check.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of {@link Linear.forward}. */
export interface LinearForwardOptions {
  /** `'relu'`: apply a ReLU fused into the layer (see `linear`); default `'none'`. */
  activation?: 'none' | 'relu';
}

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Size of each input's last axis; omit to infer it at the first forward (PyTorch `LazyLinear`). */
  inFeatures?: number;
  /** Size of each output's last axis. */
  outFeatures: number;
  /** Learn an additive bias (default `true`). */
  bias?: boolean;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source for the initial values; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Affine map over the last axis, y = x·Wᵀ + b (PyTorch `nn.Linear`; with no `inFeatures`, `nn.LazyLinear`).
 *
 * Shapes: x (..., inFeatures) -> (..., outFeatures); weight (outFeatures, inFeatures), bias (outFeatures)
 *
 * State keys `weight` (out, in) and `bias` (out), as in PyTorch. A lazy layer creates both at its
 * first `forward` (or when `loadStateDict` gives a weight); until then `parameters()` lists none
 * of them, `stateDict()` lacks them and reading `weight`/`bias` throws.
 *
 * @param options - `outFeatures`, optional `inFeatures`, `bias = true`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `inFeatures` or `outFeatures` is not a non-negative integer.
 * @throws {@link InvalidArgumentError} if the config is missing, has an unknown key or a wrong type (`bias` must be a boolean).
 * @throws {@link MemoryLimitError} if the weight and bias would exceed the memory limit.
 * @remarks Initialisation as PyTorch: weight from kaiming_uniform with a = √5, which is
 *   U(−1/√in, 1/√in), and bias from U(−1/√in, 1/√in); the numbers differ from PyTorch's (another RNG).
 * @see D2L §3.4 and §11.5 (`nn.LazyLinear` in `MultiHeadAttention`); PyTorch `nn.Linear.reset_parameters`.
 * @example
 * ```ts
 * const layer = new Linear({ inFeatures: 4, outFeatures: 2 });
 * layer.forward(ones([3, 5, 4])).shape; // [3, 5, 2]
 * const lazy = new Linear({ outFeatures: 8 }); // inFeatures taken from the first input
 * ```
 */
export class Linear extends Module {
  /** Size of each output's last axis. */
  readonly outFeatures: number;
  readonly #hasBias: boolean;
  readonly #dtype: 'float32' | 'float64';
  readonly #rng: Generator | undefined;
  #inFeatures: number | null = null;
  #weight: Parameter | null = null;
  #bias: Parameter | null = null;

  constructor(options: LinearOptions) {
    super();
    checkOptions(
      'Linear',
      options,
      { inFeatures: 'number', outFeatures: 'number', bias: 'boolean', dtype: FLOAT_DTYPE, rng: RNG },
      { required: true, usage: 'new Linear({ inFeatures: 4, outFeatures: 2 })' },
    );
    this.outFeatures = checkCount('Linear', 'outFeatures', options.outFeatures);
    this.#hasBias = options.bias ?? true;
    this.#dtype = options.dtype ?? 'float32';
    this.#rng = options.rng;
    if (!this.#hasBias) this.registerParameter('bias', null); // PyTorch: bias=False registers None
    if (options.inFeatures === undefined) {
      this.declareLazyParameter('weight', [this.outFeatures, null]);
      if (this.#hasBias) this.declareLazyParameter('bias', [this.outFeatures]);
    } else {
      this.#initialize(checkCount('Linear', 'inFeatures', options.inFeatures));
    }
  }

  /** Size of each input's last axis, or `null` while a lazy layer has not seen an input. */
  get inFeatures(): number | null {
    return this.#inFeatures;
  }

  /**
   * The weight `(outFeatures, inFeatures)`.
   * @throws {@link InvalidArgumentError} if a lazy layer has not created it yet.
   */
  get weight(): Parameter {
    if (this.#weight === null) throw notCreated('weight');
    return this.#weight;
  }

  /**
   * The bias `(outFeatures)`, or `null` when built with `bias: false`.
   * @throws {@link InvalidArgumentError} if a lazy layer has not created it yet.
   */
  get bias(): Parameter | null {
    if (this.#hasBias && this.#bias === null) throw notCreated('bias');
    return this.#bias;
  }

  /**
   * Applies the layer: x·Wᵀ + b over the last axis.
   *
   * Shapes: x (..., inFeatures) -> (..., outFeatures)
   *
   * @param x - Input with at least one axis; a lazy layer takes `inFeatures` from its last axis.
   * @param options - `activation = 'none'`; `'relu'` returns relu(x·Wᵀ + b) from one fused op
   *   (the bias add and ReLU in one pass; what `PositionWiseFFN` uses for its first layer).
   * @returns The affine image, differentiable in `x`, `weight` and `bias`.
   * @throws {@link ShapeError} if `x` is a scalar or its last axis is not `inFeatures`.
   * @throws {@link InvalidArgumentError} for an unknown option or an unknown `activation`.
   */
  forward(x: Tensor, options: LinearForwardOptions = {}): Tensor {
    checkOptions('Linear.forward', options, { activation: 'string' });
    const last = x.shape[x.ndim - 1];
    if (last === undefined) {
      throw new ShapeError(`Linear: x must have shape (..., ${this.#inFeatures ?? 'inFeatures'}); got ().`);
    }
    if (this.#inFeatures === null) this.#initialize(last);
    if (last !== this.#inFeatures) {
      throw new ShapeError(
        `Linear: x must have shape (..., ${this.#inFeatures}); got ${formatShape(x.shape)}.`,
      );
    }
    // One fused op: (..., in) · Wᵀ (in, out) + b, with its own backward (see `linear`).
    return options.activation === undefined
      ? linear(x, this.weight, this.#bias)
      : linear(x, this.weight, this.#bias, { activation: options.activation });
  }

  protected override materializeFromState(shapes: ReadonlyMap<string, readonly number[]>): void {
    const weightShape = shapes.get('weight');
    if (this.#inFeatures === null && weightShape !== undefined) this.#initialize(weightShape[1]!);
  }

  #initialize(inFeatures: number): void {
    // Weight and bias are checked together against the memory limit before either is allocated.
    checkAllocation(
      'Linear',
      'outFeatures × (inFeatures + 1)',
      [this.outFeatures, inFeatures + 1],
      this.#dtype,
    );
    this.#inFeatures = inFeatures;
    // kaiming_uniform_(a=√5): gain = √(2/(1+a²)) = √(1/3), bound = √3·gain/√in = 1/√in.
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    const options = this.#rng === undefined ? { dtype: this.#dtype } : { dtype: this.#dtype, rng: this.#rng };
    const init = (shape: number[]): Parameter => new Parameter(uniform(shape, -bound, bound, options));
    this.#weight = this.registerParameter('weight', init([this.outFeatures, inFeatures]));
    if (this.#hasBias) this.#bias = this.registerParameter('bias', init([this.outFeatures]));
  }
}

function notCreated(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `Linear: ${name} is not created yet; pass inFeatures, call forward once or loadStateDict first.`,
  );
}
