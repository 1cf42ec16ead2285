import {
  checkOptions,
  formatShape,
  type Generator,
  gruRecurrence,
  InvalidArgumentError,
  linear,
  narrow,
  reshape,
  ShapeError,
  squeeze,
  stack,
  type Tensor,
  transpose,
  unsqueeze,
  zeros,
} from '@attnkit/tensor';
import { dropout as dropoutOp } from './dropout.js';
import { checkCount, FLOAT_DTYPE, RNG } from './internal/check.js';
import { gruInit } from './internal/gru-init.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/** Options of {@link GRU}. */
export interface GRUOptions {
  /** Features of each input step (PyTorch `input_size`, D2L `num_inputs`). */
  inputSize: number;
  /** Hidden units per layer (PyTorch `hidden_size`, D2L `num_hiddens`). */
  hiddenSize: number;
  /** Stacked layers (default 1); layer l > 0 reads the outputs of layer l − 1. */
  numLayers?: number;
  /** Learn the biases `bias_ih_l*` and `bias_hh_l*` (default `true`). */
  bias?: boolean;
  /** Inputs and outputs are `(batch, steps, features)` instead of `(steps, batch, features)` (default `false`). */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in [0, 1] (default 0); training mode only. */
  dropout?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights and the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

const GRU_SCHEMA = {
  inputSize: 'number',
  hiddenSize: 'number',
  numLayers: 'number',
  bias: 'boolean',
  batchFirst: 'boolean',
  dropout: 'number',
  dtype: FLOAT_DTYPE,
  rng: RNG,
} as const;

/**
 * A multi-layer gated recurrent unit (PyTorch `nn.GRU`): for each layer and step, with gates in
 * PyTorch's order r, z, n,
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)), h′ = (1 − z) ⊙ n + z ⊙ h.
 *
 * Shapes: inputs (steps, batch, inputSize) [batchFirst: (batch, steps, inputSize); unbatched:
 * (steps, inputSize)], h0 (numLayers, batch, hiddenSize) -> [outputs (steps, batch, hiddenSize),
 * state (numLayers, batch, hiddenSize)]; weight_ih_l0 (3·hiddenSize, inputSize), weight_hh_lk
 * (3·hiddenSize, hiddenSize), bias_ih_lk and bias_hh_lk (3·hiddenSize)
 *
 * State keys as PyTorch, in its order: `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`,
 * then `…_l1`, …; the rows of each are the r, z, n gates stacked, so a PyTorch `state_dict()` loads
 * unchanged.
 *
 * @param options - `inputSize`, `hiddenSize`, `numLayers = 1`, `bias = true`, `batchFirst = false`,
 *   `dropout = 0`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if an option is unknown, `inputSize` is not an integer ≥ 0,
 *   `hiddenSize` or `numLayers` not an integer ≥ 1, `dropout` not in [0, 1], `bias` or
 *   `batchFirst` not a boolean.
 * @remarks Every parameter starts from U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch (other random
 *   numbers). Per layer the input projection of all steps is one matrix product (`linear`) and the
 *   recurrence one op ({@link gruRecurrence}: one product and one fused gate loop per step, a
 *   hand-written backward through time).
 * @see D2L §10.2 "Gated Recurrent Units (GRU)", §10.3 "Deep Recurrent Neural Networks"; Cho et al.
 *   2014; PyTorch `torch.nn.GRU`.
 * @example
 * ```ts
 * const gru = new GRU({ inputSize: 8, hiddenSize: 16, numLayers: 2 });
 * const [outputs, state] = gru.forward(randn([5, 3, 8])); // (steps, batch, inputSize)
 * outputs.shape; // [5, 3, 16]
 * state.shape; // [2, 3, 16]
 * ```
 */
export class GRU extends Module {
  /** Features of each input step. */
  readonly inputSize: number;
  /** Hidden units per layer. */
  readonly hiddenSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have biases. */
  readonly bias: boolean;
  /** Whether inputs and outputs are batch-major. */
  readonly batchFirst: boolean;
  /** Dropout probability between layers. */
  readonly dropout: number;
  readonly #rng: Generator | undefined;
  readonly #layers: {
    weightIH: Parameter;
    weightHH: Parameter;
    biasIH: Parameter | null;
    biasHH: Parameter | null;
  }[] = [];

  constructor(options: GRUOptions) {
    super();
    const op = 'GRU';
    checkOptions(op, options, GRU_SCHEMA, {
      required: true,
      usage: 'new GRU({ inputSize: 8, hiddenSize: 16, numLayers: 2 })',
    });
    this.inputSize = checkCount(op, 'inputSize', options.inputSize);
    this.hiddenSize = checkCount(op, 'hiddenSize', options.hiddenSize, 1);
    this.numLayers = checkCount(op, 'numLayers', options.numLayers ?? 1, 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    const p = options.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) {
      throw new InvalidArgumentError(`${op}: dropout must be a number in [0, 1]; got ${String(p)}.`);
    }
    this.dropout = p;
    const dtype = options.dtype ?? 'float32';
    this.#rng = options.rng;
    const h = this.hiddenSize;
    const init = gruInit(h, dtype, options.rng);
    for (let l = 0; l < this.numLayers; l++) {
      const inFeatures = l === 0 ? this.inputSize : h;
      const weightIH = this.registerParameter(`weight_ih_l${l}`, init([3 * h, inFeatures]));
      const weightHH = this.registerParameter(`weight_hh_l${l}`, init([3 * h, h]));
      const biasIH = this.bias ? this.registerParameter(`bias_ih_l${l}`, init([3 * h])) : null;
      const biasHH = this.bias ? this.registerParameter(`bias_hh_l${l}`, init([3 * h])) : null;
      this.#layers.push({ weightIH, weightHH, biasIH, biasHH });
    }
  }

  /**
   * Runs every layer over the whole sequence.
   *
   * Shapes: inputs (steps, batch, inputSize) [batchFirst: (batch, steps, inputSize); unbatched:
   * (steps, inputSize)], h0 (numLayers, batch, hiddenSize) [unbatched: (numLayers, hiddenSize)]
   * -> [outputs (steps, batch, hiddenSize) [batchFirst: (batch, steps, hiddenSize)], state
   * (numLayers, batch, hiddenSize)]
   *
   * @param inputs - The input sequence.
   * @param h0 - Initial hidden state of every layer; zeros when omitted.
   * @returns `[outputs, state]`: the last layer's hidden state at every step, and every layer's
   *   state after the last step (never batch-first, as PyTorch). Differentiable in the inputs, `h0`
   *   and every parameter.
   * @throws {@link ShapeError} if `inputs` is not 2-D or 3-D, its feature axis is not `inputSize`,
   *   it has no steps, or `h0` is not `(numLayers, batch, hiddenSize)`.
   */
  forward(inputs: Tensor, h0?: Tensor): [Tensor, Tensor] {
    const op = 'GRU';
    const unbatched = inputs.ndim === 2;
    if (inputs.ndim !== 2 && inputs.ndim !== 3) {
      throw new ShapeError(
        `${op}: inputs must have shape (steps, batch, ${this.inputSize})${this.batchFirst ? ' (batchFirst: (batch, steps, …))' : ''}; got ${formatShape(inputs.shape)}.`,
      );
    }
    let x = unbatched ? unsqueeze(inputs, 1) : this.batchFirst ? transpose(inputs, 0, 1) : inputs;
    const [steps, batch, features] = x.shape as [number, number, number];
    if (features !== this.inputSize || steps === 0) {
      throw new ShapeError(
        `${op}: inputs must have shape (steps ≥ 1, batch, ${this.inputSize}); got ${formatShape(inputs.shape)}.`,
      );
    }
    const h = this.hiddenSize;
    let h0b = h0;
    if (h0 !== undefined) {
      const expected = unbatched ? [this.numLayers, h] : [this.numLayers, batch, h];
      if (h0.ndim !== expected.length || h0.shape.some((d, i) => d !== expected[i])) {
        throw new ShapeError(
          `${op}: h0 must have shape ${formatShape(expected)}; got ${formatShape(h0.shape)}.`,
        );
      }
      if (unbatched) h0b = unsqueeze(h0, 1);
    }
    const states: Tensor[] = [];
    this.#layers.forEach((layer, l) => {
      const xGates = linear(x, layer.weightIH, layer.biasIH); // all steps in one product
      const init =
        h0b === undefined
          ? zeros([batch, h], { dtype: layer.weightHH.dtype })
          : reshape(narrow(h0b, 0, l, 1), [batch, h]);
      const out = gruRecurrence(xGates, init, layer.weightHH, layer.biasHH);
      states.push(reshape(narrow(out, 0, steps - 1, 1), [batch, h]));
      const last = l === this.numLayers - 1;
      x = last || this.dropout === 0 ? out : dropoutOp(out, this.dropout, this.#dropoutOptions());
    });
    const state = stack(states, 0);
    if (unbatched) return [squeeze(x, 1), squeeze(state, 1)];
    return [this.batchFirst ? transpose(x, 0, 1) : x, state];
  }

  #dropoutOptions(): { training: boolean; rng?: Generator } {
    return this.#rng === undefined
      ? { training: this.training }
      : { training: this.training, rng: this.#rng };
  }
}
