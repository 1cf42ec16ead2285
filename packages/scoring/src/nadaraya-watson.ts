import {
  abs,
  cast,
  checkOptions,
  div,
  eq,
  formatShape,
  InvalidArgumentError,
  isFloating,
  lt,
  matmul,
  maximum,
  mul,
  onesLike,
  ShapeError,
  softmax,
  square,
  sub,
  sum,
  type Tensor,
  unsqueeze,
  where,
} from '@attnkit/tensor';
import type { AttentionResult } from './attention-result.js';

/** The kernels of D2L §11.2, by name. */
export type NadarayaWatsonKernelName = 'gaussian' | 'boxcar' | 'constant' | 'epanechikov';

/**
 * A kernel: one of D2L's by name, or a function from the distances `q_i − k_j` `(queries, keys)`
 * to non-negative kernel values of the same shape (float or bool).
 */
export type NadarayaWatsonKernel = NadarayaWatsonKernelName | ((distance: Tensor) => Tensor);

/** Options of {@link nadarayaWatson}. */
export interface NadarayaWatsonOptions {
  /** The kernel (default `'gaussian'`). */
  kernel?: NadarayaWatsonKernel;
}

/** D2L's kernels other than the Gaussian (which is computed as a softmax, see below). */
const KERNELS: Record<Exclude<NadarayaWatsonKernelName, 'gaussian'>, (distance: Tensor) => Tensor> = {
  boxcar: (d) => lt(abs(d), 1), // 1 if |d| < 1 else 0
  constant: (d) => onesLike(d), // every key weighs the same: average pooling
  epanechikov: (d) => maximum(sub(1, abs(d)), 0), // max(1 − |d|, 0), as D2L (no 3/4 factor)
};

/**
 * Nadaraya–Watson kernel regression as attention pooling: each query averages the values with
 * weights α(q, k_j) = K(q − k_j) / Σ_j' K(q − k_j').
 *
 * Shapes: queries (queries), keys (keys), values (keys) | (keys, v) -> output (queries) | (queries, v),
 * attentionWeights (queries, keys)
 *
 * @param queries - Query locations `(queries)` (D2L's `x_val` / `x_test`).
 * @param keys - Key locations `(keys)` (D2L's `x_train`).
 * @param values - One scalar `(keys)` or one vector `(keys, v)` per key (D2L's `y_train`).
 * @param options - `kernel`: `'gaussian'` (default) K(d) = exp(−d²/2), `'boxcar'` K(d) = [|d| < 1],
 *   `'constant'` K(d) = 1 (average pooling), `'epanechikov'` K(d) = max(1 − |d|, 0), or a function
 *   of the distances `q_i − k_j` `(queries, keys)`.
 * @returns `output` (the weighted sums of the values) and `attentionWeights` `(queries, keys)`,
 *   rows summing to 1. Differentiable in queries, keys and values (and through a custom kernel).
 * @throws {@link ShapeError} if `queries` or `keys` is not 1-D, `values` is not `(keys)` or
 *   `(keys, v)`, or a custom kernel returns another shape than `(queries, keys)`.
 * @throws {@link InvalidArgumentError} if `kernel` is neither a known name nor a function, or a
 *   custom kernel returns a negative or NaN value.
 * @remarks The Gaussian weights are computed as softmax(−d²/2) over the keys, which equals
 *   K / ΣK but cannot underflow to 0/0 for queries far from every key. With a compactly supported
 *   kernel (boxcar, Epanechikov, or a custom one) a query with no key in the support has ΣK = 0;
 *   D2L then divides 0 by 0 (NaN), here that row gets zero weights and a zero output.
 *   `attentionWeights` is `(queries, keys)`; the newest D2L edition returns the transpose
 *   `(keys, queries)` and uses distances `k − q`, which only matters for asymmetric custom kernels.
 * @see D2L §11.2 "Attention Pooling by Similarity"; Nadaraya 1964; Watson 1964.
 * @example
 * ```ts
 * const xTrain = tensor([0.5, 1.5, 2.5]);
 * const yTrain = tensor([1, 2, 3]);
 * const { output, attentionWeights } = nadarayaWatson(tensor([1, 2]), xTrain, yTrain);
 * output.shape; // [2]; attentionWeights.shape: [2, 3]
 * nadarayaWatson(tensor([1, 2]), xTrain, yTrain, { kernel: 'boxcar' });
 * ```
 */
export function nadarayaWatson(
  queries: Tensor,
  keys: Tensor,
  values: Tensor,
  options: NadarayaWatsonOptions = {},
): AttentionResult {
  const op = 'nadarayaWatson';
  if (queries.ndim !== 1) {
    throw new ShapeError(`${op}: queries must have shape (queries); got ${formatShape(queries.shape)}.`);
  }
  if (keys.ndim !== 1) {
    throw new ShapeError(`${op}: keys must have shape (keys); got ${formatShape(keys.shape)}.`);
  }
  const numKeys = keys.shape[0]!;
  if ((values.ndim !== 1 && values.ndim !== 2) || values.shape[0] !== numKeys) {
    throw new ShapeError(
      `${op}: values must have shape (${numKeys}) or (${numKeys}, v) to match keys ${formatShape(keys.shape)}; got ${formatShape(values.shape)}.`,
    );
  }
  checkOptions(op, options, {
    kernel: {
      expected: "'gaussian', 'boxcar', 'constant', 'epanechikov' or a function",
      test: (v) => typeof v === 'string' || typeof v === 'function',
    },
  });
  const kernel = options.kernel ?? 'gaussian';
  if (typeof kernel !== 'function' && !(kernel === 'gaussian' || Object.hasOwn(KERNELS, kernel))) {
    throw new InvalidArgumentError(
      `${op}: kernel must be 'gaussian', 'boxcar', 'constant', 'epanechikov' or a function; got ${JSON.stringify(kernel)}.`,
    );
  }
  // distance[i, j] = q_i − k_j: (queries, 1) − (1, keys).
  const distance = sub(unsqueeze(asFloat(queries), 1), unsqueeze(asFloat(keys), 0));
  let attentionWeights: Tensor;
  if (kernel === 'gaussian') {
    // exp(−d²/2) / Σ exp(−d²/2) = softmax(−d²/2): the log-kernel through a stable softmax.
    attentionWeights = softmax(mul(square(distance), -0.5), -1);
  } else {
    const k =
      typeof kernel === 'function'
        ? checkKernelValues(op, kernel(distance), distance)
        : KERNELS[kernel](distance);
    const weights = k.dtype === distance.dtype ? k : cast(k, distance.dtype);
    const total = sum(weights, { axis: -1, keepDim: true });
    // A row with no key in the kernel's support (ΣK = 0) is divided by 1: zero weights, not NaN.
    attentionWeights = div(weights, where(eq(total, 0), 1, total));
  }
  return { output: matmul(attentionWeights, asFloat(values)), attentionWeights };
}

function asFloat(x: Tensor): Tensor {
  return isFloating(x.dtype) ? x : cast(x, 'float32');
}

/** A custom kernel's output must be `(queries, keys)` and non-negative. */
function checkKernelValues(op: string, k: Tensor, distance: Tensor): Tensor {
  if (k.ndim !== 2 || k.shape[0] !== distance.shape[0] || k.shape[1] !== distance.shape[1]) {
    throw new ShapeError(
      `${op}: kernel must return shape ${formatShape(distance.shape)} (queries, keys) like its argument; got ${formatShape(k.shape)}.`,
    );
  }
  const values = k.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0)) {
      throw new InvalidArgumentError(
        `${op}: kernel must return non-negative values; got ${v} at (${Math.floor(i / distance.shape[1]!)}, ${i % distance.shape[1]!}).`,
      );
    }
  }
  return k;
}
