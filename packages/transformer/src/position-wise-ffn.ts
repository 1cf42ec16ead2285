import { GELU, Linear, Module, ReLU } from '@attnkit/layers';
import type { Generator, Tensor } from '@attnkit/tensor';
import { checkChoice, checkConfig, checkCount, type FloatDType } from './internal/check.js';

/** Options of {@link PositionWiseFFN}. */
export interface PositionWiseFFNOptions {
  /** Width of the hidden layer (`dense1`'s outputs). */
  ffnNumHiddens: number;
  /** Width of the output (`dense2`'s outputs); `numHiddens` inside a Transformer block. */
  ffnNumOutputs: number;
  /** Nonlinearity between the two layers (default `'relu'`, as D2L; `'gelu'` as BERT and GPT-2). */
  activation?: 'relu' | 'gelu';
  /** Input width; omit to infer it from the first input (D2L's `nn.LazyLinear`). */
  ffnNumInputs?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the initial weights; the default generator when omitted. */
  rng?: Generator;
}

/**
 * The position-wise feed-forward network: the same two-layer MLP applied at every position,
 * dense2(activation(dense1(X))).
 *
 * Shapes: X (batch, positions, in) -> (batch, positions, ffnNumOutputs); dense1.weight
 *   (ffnNumHiddens, in), dense2.weight (ffnNumOutputs, ffnNumHiddens)
 *
 * @param options - `ffnNumHiddens`, `ffnNumOutputs`, `activation = 'relu'`, optional
 *   `ffnNumInputs` (lazy when omitted), `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `ffnNumHiddens` or `ffnNumOutputs` is not an integer ≥ 1,
 *   `ffnNumInputs` is given and is not, or `activation` is neither `'relu'` nor `'gelu'`.
 * @remarks State keys `dense1.weight`, `dense1.bias`, `dense2.weight`, `dense2.bias`, as D2L's
 *   PyTorch module. Both layers have biases.
 * @see D2L §11.7.2 "Positionwise Feed-Forward Networks"; Vaswani et al. 2017, §3.3.
 * @example
 * ```ts
 * const ffn = new PositionWiseFFN({ ffnNumHiddens: 4, ffnNumOutputs: 8 });
 * ffn.eval().forward(ones([2, 3, 4])).shape; // [2, 3, 8]
 * ```
 */
export class PositionWiseFFN extends Module {
  /** First layer, `(…, in) -> (…, ffnNumHiddens)`. */
  readonly dense1: Linear;
  /** The nonlinearity (child `relu` or `gelu`; no parameters). */
  readonly activation: ReLU | GELU;
  /** Second layer, `(…, ffnNumHiddens) -> (…, ffnNumOutputs)`. */
  readonly dense2: Linear;

  constructor(options: PositionWiseFFNOptions) {
    super();
    checkConfig('PositionWiseFFN', options);
    const op = 'PositionWiseFFN';
    const hidden = checkCount(op, 'ffnNumHiddens', options.ffnNumHiddens, 1);
    const outputs = checkCount(op, 'ffnNumOutputs', options.ffnNumOutputs, 1);
    const activation = checkChoice(op, 'activation', options.activation ?? 'relu', ['relu', 'gelu']);
    const common = {
      ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
      ...(options.rng === undefined ? {} : { rng: options.rng }),
    };
    const inputs =
      options.ffnNumInputs === undefined
        ? {}
        : { inFeatures: checkCount(op, 'ffnNumInputs', options.ffnNumInputs, 1) };
    this.dense1 = this.registerModule('dense1', new Linear({ outFeatures: hidden, ...inputs, ...common }));
    this.activation = this.registerModule(activation, activation === 'relu' ? new ReLU() : new GELU());
    this.dense2 = this.registerModule(
      'dense2',
      new Linear({ inFeatures: hidden, outFeatures: outputs, ...common }),
    );
  }

  /**
   * Applies the MLP at every position.
   *
   * Shapes: X (..., in) -> (..., ffnNumOutputs)
   *
   * @throws {@link ShapeError} if X's last axis is not `dense1`'s input width (raised by `Linear`).
   */
  forward(X: Tensor): Tensor {
    // ReLU runs fused into dense1 (one pass for bias and ReLU, one backward pass for the mask and
    // the bias gradient); the `relu` child stays for the module tree and state-dict keys.
    if (this.activation instanceof ReLU)
      return this.dense2.forward(this.dense1.forward(X, { activation: 'relu' }));
    return this.dense2.forward(this.activation.forward(this.dense1.forward(X)));
  }
}
