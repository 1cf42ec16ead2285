import {
  checkOptions,
  createView,
  fromNdarray,
  InvalidArgumentError,
  isFloating,
  type Tensor,
} from '@attnkit/tensor';
import { floatingOutput, randomSigns } from './internal/finite-differences.js';
import {
  backwardProjected,
  compareWithFiniteDifferencesAll,
  type GradientTarget,
  projectedLoss,
  resolveCheckOptions,
} from './internal/gradient-check.js';

/** Options of {@link checkGradients}. */
export interface CheckGradientsOptions {
  /** Finite-difference step; default 1e-6 (float64). */
  eps?: number;
  /** Absolute tolerance; default 1e-5. */
  atol?: number;
  /** Relative tolerance, times |numeric gradient|; default 1e-3. */
  rtol?: number;
  /** Seed of the random projection R; default 0. */
  seed?: number;
}

/**
 * Checks autograd against central finite differences, in float64, for every element of every
 * input that requires gradients.
 *
 * Shapes: inputs (any shapes) -> fn output (any shape); returns nothing
 *
 * @param fn - The function under test; called with float64 copies of `inputs` (other dtypes as given).
 * @param inputs - Its arguments; gradients are checked for those with `requiresGrad`.
 * @param options - `eps`, `atol`, `rtol` and the projection `seed`.
 * @throws {@link GradientError} if an analytic gradient differs from the numeric one by more than
 *   atol + rtol·|numeric|, naming the input index and shape, how many elements differ, and the
 *   worst element's flat and multi-index with analytic vs numeric values.
 * @throws {@link InvalidArgumentError} if no input requires gradients, if `eps` is not a positive
 *   finite number, or if `fn` does not return a float32/float64 tensor.
 * @remarks Mirrors `torch.autograd.gradcheck`. Every floating input is copied to a fresh float64
 *   leaf (not `cast`, which would leave a graph back to the caller's tensor), so float32 rounding
 *   does not swamp the differences and the caller's tensors and `.grad` are untouched. Rather than
 *   build the full Jacobian J it checks Rᵀ·J, the gradient of L = Σ fn(...)·R for a fixed random R
 *   with entries ±[0.5, 1.5): one backward pass gives the analytic side, two evaluations of L per
 *   element (L(x + eps·eᵢ) − L(x − eps·eᵢ)) / 2eps the numeric side, with error O(eps²). Projecting
 *   instead of summing catches a backward that permutes or transposes its gradient, which
 *   Σ fn(...) cannot see. If fn's output does not require gradients the analytic gradient is zero.
 * @see PyTorch `torch.autograd.gradcheck`; CS231n "Gradient checks".
 * @example
 * ```ts
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * checkGradients((x) => sum(mul(x, x), { axis: 1 }), [x]);
 * ```
 */
export function checkGradients(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: CheckGradientsOptions = {},
): void {
  checkOptions(
    'checkGradients',
    options,
    { eps: 'number', atol: 'number', rtol: 'number', seed: 'number' },
    { argument: 'options' },
  );
  const op = 'checkGradients';
  const { tolerances, seed } = resolveCheckOptions(op, options);
  if (!inputs.some((x) => x.requiresGrad)) {
    throw new InvalidArgumentError(`${op}: at least one input must have requiresGrad: true.`);
  }

  // Fresh float64 leaves over storage we own, so the numeric pass can perturb it in place.
  const storage: (Float64Array | null)[] = [];
  const leaves = inputs.map((x) => {
    if (!isFloating(x.dtype)) {
      storage.push(null);
      return x;
    }
    const data = Float64Array.from(x.toTypedArray());
    storage.push(data);
    return fromNdarray(createView(data, x.shape), { requiresGrad: x.requiresGrad });
  });

  const out = floatingOutput(op, fn(...leaves));
  const projection = randomSigns(out.numel(), seed);
  backwardProjected(out, projection);
  const targets: GradientTarget[] = [];
  inputs.forEach((input, k) => {
    const data = storage[k];
    if (!input.requiresGrad || !data) return;
    const analytic = leaves[k]!.grad?.toTypedArray() ?? new Float64Array(data.length);
    targets.push({ label: `input ${k}`, shape: input.shape, data, analytic });
  });
  compareWithFiniteDifferencesAll(
    op,
    targets,
    projectedLoss(op, () => fn(...leaves), projection),
    tolerances,
    'of sum(fn(...inputs)·R) for a random projection R',
  );
}
