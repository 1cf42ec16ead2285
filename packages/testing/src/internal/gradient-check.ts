import {
  createView,
  fromNdarray,
  GradientError,
  InvalidArgumentError,
  noGrad,
  type Tensor,
} from '@attnkit/tensor';
import type { CheckGradientsOptions } from '../check-gradients.js';
import {
  compareWithFiniteDifferences,
  dot,
  floatingOutput,
  formatTolerances,
  type Tolerances,
} from './finite-differences.js';

/**
 * The options of `checkGradients` and `checkParameterGradients` with their defaults (eps 1e-6,
 * atol 1e-5, rtol 1e-3, seed 0).
 * @throws {@link InvalidArgumentError} if `eps` is not a positive finite number.
 */
export function resolveCheckOptions(
  op: string,
  options: CheckGradientsOptions,
): { tolerances: Tolerances; seed: number } {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  if (!(eps > 0 && Number.isFinite(eps))) {
    throw new InvalidArgumentError(`${op}: eps must be a positive finite number; got ${eps}.`);
  }
  return { tolerances: { eps, atol, rtol }, seed };
}

/** Backpropagates `projection` (shaped as `out`) from `out`, if `out` is part of a graph. */
export function backwardProjected(out: Tensor, projection: Float64Array): void {
  if (out.requiresGrad) out.backward(fromNdarray(createView(projection, out.shape)));
}

/** L = Σ evaluate()·projection, evaluated without recording a graph (the numeric side). */
export function projectedLoss(op: string, evaluate: () => Tensor, projection: Float64Array): () => number {
  return () => dot(floatingOutput(op, noGrad(evaluate)).toTypedArray(), projection);
}

/** One tensor to check: its label in messages, shape, perturbable storage and analytic gradient. */
export interface GradientTarget {
  label: string;
  shape: readonly number[];
  data: Float64Array;
  analytic: ArrayLike<number>;
}

/**
 * Compares every target's analytic gradient with central finite differences of `loss`.
 * @throws {@link GradientError} `${op}: analytic gradients differ … ${what}:` then one line per
 *   failing target.
 */
export function compareWithFiniteDifferencesAll(
  op: string,
  targets: readonly GradientTarget[],
  loss: () => number,
  tolerances: Tolerances,
  what: string,
): void {
  const failures: string[] = [];
  for (const { label, shape, data, analytic } of targets) {
    const failure = compareWithFiniteDifferences(label, shape, data, analytic, loss, tolerances);
    if (failure !== null) failures.push(failure);
  }
  if (failures.length > 0) {
    throw new GradientError(
      `${op}: analytic gradients differ from central finite differences ${formatTolerances(tolerances)} ` +
        `${what}:\n  ${failures.join('\n  ')}`,
    );
  }
}
