import {
  checkOptions,
  formatShape,
  type Generator,
  gruRecurrence,
  linear,
  reshape,
  ShapeError,
  type Tensor,
  unsqueeze,
  zeros,
} from '@attnkit/tensor';
import { checkCount, FLOAT_DTYPE, RNG } from './internal/check.js';
import { gruInit } from './internal/gru-init.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/** Options of {@link GRUCell}. */
export interface GRUCellOptions {
  /** Features of the input (PyTorch `input_size`). */
  inputSize: number;
  /** Hidden units (PyTorch `hidden_size`). */
  hiddenSize: number;
  /** Learn the biases `bias_ih` and `bias_hh` (default `true`). */
  bias?: boolean;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the initial weights; the default generator when omitted. */
  rng?: Generator;
}

const CELL_SCHEMA = {
  inputSize: 'number',
  hiddenSize: 'number',
  bias: 'boolean',
  dtype: FLOAT_DTYPE,
  rng: RNG,
} as const;

/**
 * One GRU step (PyTorch `nn.GRUCell`): r = σ(W_ir x + b_ir + W_hr h + b_hr),
 * z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
 * h′ = (1 − z) ⊙ n + z ⊙ h.
 *
 * Shapes: x (batch, inputSize) | (inputSize), h (batch, hiddenSize) | (hiddenSize) -> h′ of h's
 * shape; weight_ih (3·hiddenSize, inputSize), weight_hh (3·hiddenSize, hiddenSize), bias_ih and
 * bias_hh (3·hiddenSize)
 *
 * State keys `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, as PyTorch (gate rows r, z, n).
 *
 * @param options - `inputSize`, `hiddenSize`, `bias = true`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if an option is unknown, `inputSize` is not an integer ≥ 0,
 *   `hiddenSize` not an integer ≥ 1, or `bias` not a boolean.
 * @remarks Parameters start from U(−1/√hiddenSize, 1/√hiddenSize), as PyTorch. The step is one
 *   product for the input, one for the hidden state and one fused gate op ({@link gruRecurrence}
 *   with one step).
 * @see D2L §10.2 "Gated Recurrent Units (GRU)"; PyTorch `torch.nn.GRUCell`.
 * @example
 * ```ts
 * const cell = new GRUCell({ inputSize: 4, hiddenSize: 3 });
 * cell.forward(randn([2, 4])).shape; // [2, 3]
 * ```
 */
export class GRUCell extends Module {
  /** Features of the input. */
  readonly inputSize: number;
  /** Hidden units. */
  readonly hiddenSize: number;
  /** Input-to-hidden weight `(3·hiddenSize, inputSize)`. */
  readonly weight_ih: Parameter;
  /** Hidden-to-hidden weight `(3·hiddenSize, hiddenSize)`. */
  readonly weight_hh: Parameter;
  /** Input-to-hidden bias `(3·hiddenSize)`, or null. */
  readonly bias_ih: Parameter | null;
  /** Hidden-to-hidden bias `(3·hiddenSize)`, or null. */
  readonly bias_hh: Parameter | null;

  constructor(options: GRUCellOptions) {
    super();
    const op = 'GRUCell';
    checkOptions(op, options, CELL_SCHEMA, {
      required: true,
      usage: 'new GRUCell({ inputSize: 8, hiddenSize: 16 })',
    });
    this.inputSize = checkCount(op, 'inputSize', options.inputSize);
    this.hiddenSize = checkCount(op, 'hiddenSize', options.hiddenSize, 1);
    const bias = options.bias ?? true;
    const dtype = options.dtype ?? 'float32';
    const h = this.hiddenSize;
    const init = gruInit(h, dtype, options.rng);
    this.weight_ih = this.registerParameter('weight_ih', init([3 * h, this.inputSize]));
    this.weight_hh = this.registerParameter('weight_hh', init([3 * h, h]));
    this.bias_ih = bias ? this.registerParameter('bias_ih', init([3 * h])) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', init([3 * h])) : null;
    if (!bias) {
      this.registerParameter('bias_ih', null);
      this.registerParameter('bias_hh', null);
    }
  }

  /**
   * One step from state `h` (zeros when omitted).
   *
   * Shapes: x (batch, inputSize) | (inputSize), h (batch, hiddenSize) | (hiddenSize) -> (batch, hiddenSize) | (hiddenSize)
   *
   * @returns The next hidden state, differentiable in `x`, `h` and every parameter.
   * @throws {@link ShapeError} if `x` is not `(batch, inputSize)` or `(inputSize)`, or `h` does not
   *   match it.
   */
  forward(x: Tensor, h?: Tensor): Tensor {
    const op = 'GRUCell';
    const hs = this.hiddenSize;
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${op}: x must have shape (batch, ${this.inputSize}) or (${this.inputSize}); got ${formatShape(x.shape)}.`,
      );
    }
    const unbatched = x.ndim === 1;
    const batch = unbatched ? 1 : x.shape[0]!;
    const expected = unbatched ? [hs] : [batch, hs];
    if (h !== undefined && (h.ndim !== expected.length || h.shape.some((d, i) => d !== expected[i]))) {
      throw new ShapeError(`${op}: h must have shape ${formatShape(expected)}; got ${formatShape(h.shape)}.`);
    }
    const state =
      h === undefined ? zeros([batch, hs], { dtype: this.weight_hh.dtype }) : reshape(h, [batch, hs]);
    const xGates = unsqueeze(linear(reshape(x, [batch, this.inputSize]), this.weight_ih, this.bias_ih), 0);
    const out = gruRecurrence(xGates, state, this.weight_hh, this.bias_hh);
    return reshape(out, expected);
  }
}
