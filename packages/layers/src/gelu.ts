import { checkOptions, gelu, InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import { Module } from './module.js';

/** Options of {@link GELU}. */
export interface GELUOptions {
  /** `'none'` (default): exact x·Φ(x); `'tanh'`: the tanh approximation (PyTorch `approximate`). */
  approximate?: 'none' | 'tanh';
}

/**
 * Gaussian error linear unit as a layer, x·Φ(x) elementwise (PyTorch `nn.GELU`); no parameters.
 *
 * Shapes: x (...) -> (...)
 *
 * @param options - `approximate = 'none'`.
 * @throws {@link InvalidArgumentError} if `approximate` is neither `'none'` nor `'tanh'`.
 * @see Hendrycks and Gimpel 2016; D2L §11.9 (BERT's feed-forward network).
 * @example
 * ```ts
 * new GELU().forward(tensor([-1, 0, 1])); // ≈ [-0.1587, 0, 0.8413]
 * ```
 */
export class GELU extends Module {
  /** Which formula `forward` uses. */
  readonly approximate: 'none' | 'tanh';

  constructor(options: GELUOptions = {}) {
    super();
    checkOptions('GELU', options, { approximate: 'string' }, { usage: "new GELU({ approximate: 'tanh' })" });
    const approximate = options.approximate ?? 'none';
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw new InvalidArgumentError(
        `GELU: approximate must be 'none' or 'tanh'; got '${String(approximate)}'.`,
      );
    }
    this.approximate = approximate;
  }

  /** Applies GELU elementwise. */
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}
