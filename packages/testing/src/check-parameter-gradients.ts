import { checkOptions, InvalidArgumentError, type Tensor } from '@attnkit/tensor';
import type { CheckGradientsOptions } from './check-gradients.js';
import { floatingOutput, randomSigns } from './internal/finite-differences.js';
import {
  backwardProjected,
  compareWithFiniteDifferencesAll,
  projectedLoss,
  resolveCheckOptions,
} from './internal/gradient-check.js';

/**
 * What {@link checkParameterGradients} checks: anything that lists its trainable tensors, such as a
 * `Module` of `@attnkit/layers` or `{ parameters: () => [x, weight] }`.
 */
export interface ParameterOwner {
  /** The tensors to check; those without `requiresGrad` are skipped. */
  parameters(): readonly Tensor[];
  /** Named parameters (a `Module` has them): when present, checked instead of `parameters()`, by name. */
  namedParameters?(): readonly (readonly [string, Tensor])[];
}

/**
 * Options of {@link checkParameterGradients}: `eps`, `atol`, `rtol` and `seed` with the defaults of
 * {@link checkGradients}; `seed` is unused when `fn` returns a scalar.
 */
export interface CheckParameterGradientsOptions extends CheckGradientsOptions {}

/**
 * Checks autograd against central finite differences, in float64, for every element of every
 * parameter of `owner` that requires gradients, perturbing the parameters in place.
 *
 * Shapes: parameters (any shapes) -> fn output (any shape); returns nothing
 *
 * @param owner - Lists the parameters, e.g. a `Module`; each checked one must be a contiguous
 *   float64 tensor (build the module with `dtype: 'float64'`).
 * @param fn - A fresh forward pass that reads the parameters; called once with gradients and twice
 *   per parameter element without.
 * @param options - `eps`, `atol`, `rtol` and the projection `seed` (unused for a scalar output).
 * @throws {@link GradientError} if an analytic gradient differs from the numeric one by more than
 *   atol + rtol·|numeric|, naming the parameter (by name when `owner` has `namedParameters`) and
 *   shape, how many elements differ, and the worst element's flat and multi-index with analytic vs
 *   numeric values.
 * @throws {@link InvalidArgumentError} if no parameter requires gradients, if a parameter that does
 *   is not a contiguous float64 tensor, if `eps` is not a positive finite number, or if `fn` does
 *   not return a float32/float64 tensor.
 * @remarks The companion of {@link checkGradients} for tensors that `fn` closes over, which it
 *   cannot copy: the parameters' own storage is perturbed by ±eps and restored exactly, and their
 *   `.grad` is put back as it was. A scalar (0-d) output is checked as the loss itself; for any other
 *   output it checks Rᵀ·J, the gradient of L = Σ fn()·R for a fixed random R with entries
 *   ±[0.5, 1.5), which catches a backward that permutes its gradient. Tensors outside
 *   `parameters()` that require gradients (inputs) receive `.grad` from the one backward pass.
 * @see PyTorch `torch.autograd.gradcheck`; CS231n "Gradient checks".
 * @example
 * ```ts
 * const layer = new Linear({ inFeatures: 3, outFeatures: 2, dtype: 'float64' });
 * const x = tensor([[0.5, -1, 2]], { dtype: 'float64' });
 * checkParameterGradients(layer, () => tanh(layer.forward(x)));
 * ```
 */
export function checkParameterGradients(
  owner: ParameterOwner,
  fn: () => Tensor,
  options: CheckParameterGradientsOptions = {},
): void {
  checkOptions(
    'checkParameterGradients',
    options,
    { eps: 'number', atol: 'number', rtol: 'number', seed: 'number' },
    { argument: 'options' },
  );
  const op = 'checkParameterGradients';
  const { tolerances, seed } = resolveCheckOptions(op, options);
  const named = owner.namedParameters?.() ?? owner.parameters().map((p, k): [string, Tensor] => [`${k}`, p]);
  const checked = named.filter(([, p]) => p.requiresGrad);
  if (checked.length === 0) {
    throw new InvalidArgumentError(`${op}: at least one parameter must have requiresGrad: true.`);
  }
  for (const [name, p] of checked) {
    if (p.dtype !== 'float64' || !p.isContiguous()) {
      throw new InvalidArgumentError(
        `${op}: parameter ${name} must be a contiguous float64 tensor; got ${p.isContiguous() ? '' : 'a strided '}${p.dtype}.`,
      );
    }
  }

  // One backward pass from a clean slate, then the caller's .grad goes back.
  const saved = checked.map(([, p]) => p.grad);
  let analytic: Float64Array[];
  let projection: Float64Array;
  try {
    for (const [, p] of checked) p.grad = null;
    const out = floatingOutput(op, fn());
    // A scalar is the loss itself; any other output is projected, which catches a permuted gradient.
    projection = out.ndim === 0 ? Float64Array.of(1) : randomSigns(out.numel(), seed);
    backwardProjected(out, projection);
    analytic = checked.map(([, p]) =>
      Float64Array.from(p.grad?.toTypedArray() ?? new Float64Array(p.numel())),
    );
  } finally {
    checked.forEach(([, p], k) => {
      p.grad = saved[k] ?? null;
    });
  }
  // A contiguous tensor's toTypedArray() is a window on its storage: writes reach the parameter.
  const targets = checked.map(([name, p], k) => ({
    label: `parameter ${name}`,
    shape: p.shape,
    data: p.toTypedArray() as Float64Array,
    analytic: analytic[k]!,
  }));
  compareWithFiniteDifferencesAll(
    op,
    targets,
    projectedLoss(op, fn, projection),
    tolerances,
    'of fn(), projected as sum(fn()·R) with a random R unless scalar',
  );
}
