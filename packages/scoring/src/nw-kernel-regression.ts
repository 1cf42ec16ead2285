import { Module, Parameter } from '@attnkit/layers';
import {
  checkOptions,
  div,
  formatShape,
  type Generator,
  InvalidArgumentError,
  matmul,
  mul,
  neg,
  rand,
  reshape,
  ShapeError,
  softmax,
  square,
  sub,
  type Tensor,
  tensor,
  unsqueeze,
} from '@attnkit/tensor';
import { RNG } from './internal/options.js';

/** Options of {@link NWKernelRegression}. */
export interface NWKernelRegressionOptions {
  /** Initial bandwidth parameter `w`; default a draw from U[0, 1) as D2L's `torch.rand((1,))`. */
  w?: number;
  /** Parameter dtype (default `float32`). */
  dtype?: 'float32' | 'float64';
  /** Random source of the default initial `w`; the default generator when omitted. */
  rng?: Generator;
}

/**
 * Parametric Nadaraya–Watson regression with a learnable scalar `w` (D2L `NWKernelRegression`):
 * weights softmax_j(−((q − k_j)·w)²/2), then the weighted sum of the values.
 *
 * Shapes: queries (queries), keys (queries, keys) | (keys), values keys' shape [+ (v)]
 * -> (queries) | (queries, v); w (1)
 *
 * State key `w` `(1)`, as D2L's `nn.Parameter(torch.rand((1,)))`. `w` is an inverse bandwidth:
 * larger `w` makes the weights sharper around each query.
 *
 * @param options - `w` (initial value), `dtype = 'float32'`, `rng`.
 * @throws {@link InvalidArgumentError} if `w` is not a finite number or `dtype` is not floating.
 * @see D2L §11.2 (0.17 edition, "Parametric Attention Pooling"); Nadaraya 1964; Watson 1964.
 * @example
 * ```ts
 * const net = new NWKernelRegression({ w: 1 });
 * const xTrain = tensor([0.5, 1.5, 2.5, 3.5]); // (keys)
 * const yTrain = tensor([1, 2, 1.5, 3]); // (keys)
 * const xTest = tensor([0, 1, 2]); // (queries)
 * const yHat = net.forward(xTest, xTrain, yTrain); // keys (keys) shared by every query
 * net.attentionWeights?.shape; // [3, 4] = (queries, keys)
 * ```
 */
export class NWKernelRegression extends Module {
  /** The learnable scalar `(1)`. */
  readonly w: Parameter;
  #attentionWeights: Tensor | null = null;

  constructor(options: NWKernelRegressionOptions = {}) {
    super();
    checkOptions('NWKernelRegression', options, { w: 'number', dtype: 'string', rng: RNG });
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') {
      throw new InvalidArgumentError(`NWKernelRegression: dtype must be float32 or float64; got ${dtype}.`);
    }
    let init: Tensor;
    if (options.w === undefined) {
      init = rand([1], options.rng === undefined ? { dtype } : { dtype, rng: options.rng });
    } else {
      if (typeof options.w !== 'number' || !Number.isFinite(options.w)) {
        throw new InvalidArgumentError(`NWKernelRegression: w must be a finite number; got ${options.w}.`);
      }
      init = tensor([options.w], { dtype });
    }
    this.w = this.registerParameter('w', new Parameter(init));
  }

  /** The weights of the last `forward`, `(queries, keys)` (D2L `attention_weights`); `null` before. */
  get attentionWeights(): Tensor | null {
    return this.#attentionWeights;
  }

  /**
   * Pools the values for each query with Gaussian weights of learnable width.
   *
   * Shapes: queries (queries), keys (queries, keys) | (keys), values (queries, keys) | (keys) |
   * (queries, keys, v) | (keys, v) -> (queries) | (queries, v)
   *
   * @param queries - Query locations `(queries)`.
   * @param keys - Per-query keys `(queries, keys)` as D2L (each training point attends to the
   *   others), or keys `(keys)` shared by every query.
   * @param values - Keys' shape (one scalar per key) or keys' shape plus `(v)`.
   * @returns The pooled values `(queries)` or `(queries, v)`; differentiable in every input and `w`.
   * @throws {@link ShapeError} if `queries` is not 1-D, `keys` is neither `(queries, keys)` nor
   *   `(keys)`, or `values` is neither keys' shape nor keys' shape plus one axis.
   */
  forward(queries: Tensor, keys: Tensor, values: Tensor): Tensor {
    const op = 'NWKernelRegression';
    if (queries.ndim !== 1) {
      throw new ShapeError(`${op}: queries must have shape (queries); got ${formatShape(queries.shape)}.`);
    }
    const n = queries.shape[0]!;
    if (!(keys.ndim === 1 || (keys.ndim === 2 && keys.shape[0] === n))) {
      throw new ShapeError(
        `${op}: keys must have shape (${n}, keys) or (keys) to match queries ${formatShape(queries.shape)}; got ${formatShape(keys.shape)}.`,
      );
    }
    const scalarValues = values.ndim === keys.ndim;
    const sameLead = keys.shape.every((d, i) => values.shape[i] === d);
    if (!((scalarValues || values.ndim === keys.ndim + 1) && sameLead)) {
      const k = keys.shape.join(', ');
      throw new ShapeError(
        `${op}: values must have shape (${k}) or (${k}, v) to match keys; got ${formatShape(values.shape)}.`,
      );
    }
    // D2L: softmax(−((queries − keys)·w)² / 2, dim=1) with queries repeated along the keys.
    const scores = div(neg(square(mul(sub(unsqueeze(queries, 1), keys), this.w))), 2);
    const weights = softmax(scores, -1);
    this.#attentionWeights = weights;
    if (keys.ndim === 1) return matmul(weights, values); // (queries, keys) · (keys[, v])
    // D2L: bmm(weights.unsqueeze(1), values.unsqueeze(-1)).reshape(-1), per query.
    const pooled = matmul(unsqueeze(weights, 1), scalarValues ? unsqueeze(values, -1) : values);
    return reshape(pooled, scalarValues ? [n] : [n, values.shape[2]!]);
  }
}
