import { Dropout, LayerNorm, Module } from '@attnkit/layers';
import { add, formatShape, type Generator, ShapeError, type Tensor } from '@attnkit/tensor';
import { checkConfig, checkCount, checkProbability, type FloatDType } from './internal/check.js';

/** Options of {@link AddNorm}. */
export interface AddNormOptions {
  /** Extents normalised over (the trailing axes), `numHiddens` in a Transformer block. */
  normShape: number | readonly number[];
  /** Dropout probability applied to the sublayer output Y (default 0). */
  dropout?: number;
  /** LayerNorm epsilon (default 1e-5, as PyTorch). */
  eps?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: FloatDType;
  /** Random source of the dropout masks; the default generator when omitted. */
  rng?: Generator;
}

/**
 * The residual connection followed by layer normalisation: ln(dropout(Y) + X).
 *
 * Shapes: X (..., ...normShape), Y same -> same; ln.weight, ln.bias (...normShape)
 *
 * @param options - `normShape`, `dropout = 0`, `eps = 1e-5`, `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `dropout` is not in [0, 1], or `normShape` has an extent
 *   that is not an integer ≥ 1.
 * @remarks State keys `ln.weight` and `ln.bias`, as D2L's PyTorch module. This is the post-norm
 *   residual of the original Transformer; see {@link TransformerLM} for pre-norm.
 * @see D2L §11.7.2 "Residual Connection and Layer Normalization"; Ba et al. 2016; He et al. 2016.
 * @example
 * ```ts
 * const addNorm = new AddNorm({ normShape: 4, dropout: 0.5 }).eval();
 * addNorm.forward(ones([2, 3, 4]), ones([2, 3, 4])).shape; // [2, 3, 4]
 * ```
 */
export class AddNorm extends Module {
  /** The dropout applied to Y (child `dropout`). */
  readonly dropout: Dropout;
  /** The layer normalisation (child `ln`). */
  readonly ln: LayerNorm;

  constructor(options: AddNormOptions) {
    super();
    checkConfig('AddNorm', options);
    const op = 'AddNorm';
    const p = checkProbability(op, 'dropout', options.dropout ?? 0);
    const shape = typeof options.normShape === 'number' ? [options.normShape] : [...options.normShape];
    for (const d of shape) checkCount(op, 'normShape', d, 1);
    this.dropout = this.registerModule(
      'dropout',
      new Dropout(options.rng === undefined ? { p } : { p, rng: options.rng }),
    );
    this.ln = this.registerModule(
      'ln',
      new LayerNorm({
        normalizedShape: shape,
        ...(options.eps === undefined ? {} : { eps: options.eps }),
        ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
      }),
    );
  }

  /**
   * ln(dropout(Y) + X).
   *
   * Shapes: X (..., ...normShape), Y same -> same
   *
   * @param X - The residual (the sublayer's input).
   * @param Y - The sublayer's output.
   * @throws {@link ShapeError} if X and Y differ in shape, or their trailing extents are not `normShape`.
   */
  forward(X: Tensor, Y: Tensor): Tensor {
    if (formatShape(X.shape) !== formatShape(Y.shape)) {
      throw new ShapeError(
        `AddNorm: Y must have the shape of X ${formatShape(X.shape)}; got ${formatShape(Y.shape)}.`,
      );
    }
    return this.ln.forward(add(this.dropout.forward(Y), X));
  }

  /**
   * The pre-norm residual X + dropout(sublayer(ln(X))) with this module's `ln` and `dropout`
   * (Xiong et al. 2020; GPT-2), so a pre-norm block keeps the post-norm block's state keys.
   *
   * Shapes: X (batch, positions, numHiddens) -> (batch, positions, numHiddens)
   *
   * @throws {@link ShapeError} if the sublayer changes the shape of its input.
   */
  preNorm(X: Tensor, sublayer: (H: Tensor) => Tensor): Tensor {
    const Y = sublayer(this.ln.forward(X));
    if (formatShape(X.shape) !== formatShape(Y.shape)) {
      throw new ShapeError(
        `AddNorm.preNorm: the sublayer output must have the shape of X ${formatShape(X.shape)}; got ${formatShape(Y.shape)}.`,
      );
    }
    return add(X, this.dropout.forward(Y));
  }

  /** `forward(X, sublayer(X))` for `'post'`, {@link AddNorm.preNorm} for `'pre'`. */
  residual(X: Tensor, sublayer: (H: Tensor) => Tensor, norm: 'pre' | 'post'): Tensor {
    return norm === 'pre' ? this.preNorm(X, sublayer) : this.forward(X, sublayer(X));
  }
}
