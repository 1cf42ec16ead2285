import {
  checkOptions,
  formatShape,
  InvalidArgumentError,
  layerNorm,
  ones,
  ShapeError,
  type Tensor,
  zeros,
} from '@attnkit/tensor';
import { checkCount, FLOAT_DTYPE } from './internal/check.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Extents of the trailing axes to normalise over, e.g. `numHiddens` or `[queries, numHiddens]`. */
  normalizedShape: number | readonly number[];
  /** Added to the variance before the square root (default 1e-5, as PyTorch). */
  eps?: number;
  /** Learn `weight` (ones) and `bias` (zeros) of `normalizedShape` (default `true`). */
  elementwiseAffine?: boolean;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
}

/**
 * Layer normalisation over the trailing axes: y = (x − mean) / √(var + eps) · weight + bias.
 *
 * Shapes: x (..., ...normalizedShape) -> same; weight, bias (...normalizedShape)
 *
 * @param options - `normalizedShape`, `eps = 1e-5`, `elementwiseAffine = true`, `dtype = 'float32'`.
 * @throws {@link InvalidArgumentError} if `normalizedShape` is empty or has an extent that is not a positive integer, or `eps` is negative or not finite.
 * @remarks The variance is the biased one (divide by n), as PyTorch. Runs the fused `layerNorm`
 *   op of `@attnkit/tensor` (one pass forward and backward, statistics in float64) rather than
 *   composing mean, sub, square, rsqrt, mul and add, for training speed; state keys `weight` and
 *   `bias` as PyTorch.
 * @see D2L §11.7 "The Transformer Architecture" (AddNorm); Ba, Kiros and Hinton 2016.
 * @example
 * ```ts
 * const ln = new LayerNorm({ normalizedShape: 3 });
 * ln.forward(tensor([[1, 2, 3], [4, 5, 7]])); // each row: mean 0, biased variance ≈ 1
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing extents normalised over. */
  readonly normalizedShape: readonly number[];
  /** Added to the variance before the square root. */
  readonly eps: number;
  /** Scale `(...normalizedShape)`, ones at first; `null` without `elementwiseAffine`. */
  readonly weight: Parameter | null;
  /** Shift `(...normalizedShape)`, zeros at first; `null` without `elementwiseAffine`. */
  readonly bias: Parameter | null;

  constructor(options: LayerNormOptions) {
    super();
    checkOptions(
      'LayerNorm',
      options,
      { normalizedShape: 'any', eps: 'number', elementwiseAffine: 'boolean', dtype: FLOAT_DTYPE },
      { required: true, usage: 'new LayerNorm({ normalizedShape: 4 })' },
    );
    const shape =
      typeof options.normalizedShape === 'number' ? [options.normalizedShape] : [...options.normalizedShape];
    if (shape.length === 0) {
      throw new InvalidArgumentError('LayerNorm: normalizedShape must have at least one extent; got ().');
    }
    for (const d of shape) checkCount('LayerNorm', 'normalizedShape', d, 1);
    this.normalizedShape = shape;
    const eps = options.eps ?? 1e-5;
    if (!(eps >= 0 && Number.isFinite(eps))) {
      throw new InvalidArgumentError(`LayerNorm: eps must be a finite number ≥ 0; got ${eps}.`);
    }
    this.eps = eps;
    const affine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', affine ? new Parameter(ones(shape, { dtype })) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(zeros(shape, { dtype })) : null);
  }

  /**
   * Normalises `x` over its trailing `normalizedShape` axes.
   *
   * Shapes: x (..., ...normalizedShape) -> same
   *
   * @throws {@link ShapeError} if `x`'s trailing extents are not `normalizedShape`.
   */
  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    const trailing = x.shape.slice(x.ndim - k);
    if (x.ndim < k || trailing.some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(
        `LayerNorm: x must have shape (..., ${this.normalizedShape.join(', ')}); got ${formatShape(x.shape)}.`,
      );
    }
    // Biased variance (divides by n); weight and bias are null without elementwiseAffine.
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}
