import {
  createView,
  formatShape,
  fromNdarray,
  GradientError,
  InvalidArgumentError,
  isFloating,
  noGrad,
  type Tensor,
} from '@attnkit/tensor';
import { formatNumber } from './internal/format-number.js';
import { unravel } from './internal/unravel.js';

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
  const op = 'checkGradients';
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  if (!(eps > 0 && Number.isFinite(eps))) {
    throw new InvalidArgumentError(`${op}: eps must be a positive finite number; got ${eps}.`);
  }
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

  const out = checkOutput(op, fn(...leaves));
  const projection = randomSigns(out.size, seed);
  if (out.requiresGrad) out.backward(fromNdarray(createView(projection, out.shape)));
  const loss = (): number =>
    dot(
      checkOutput(
        op,
        noGrad(() => fn(...leaves)),
      ),
      projection,
    );

  const failures: string[] = [];
  inputs.forEach((input, k) => {
    const data = storage[k];
    if (!input.requiresGrad || !data) return;
    const analytic = leaves[k]!.grad?.toTypedArray() ?? new Float64Array(data.length);
    let mismatches = 0;
    let worst = -1;
    let worstExcess = Number.NEGATIVE_INFINITY;
    let worstNumeric = 0;
    for (let i = 0; i < data.length; i++) {
      const xi = data[i]!;
      data[i] = xi + eps;
      const plus = loss();
      data[i] = xi - eps;
      const minus = loss();
      data[i] = xi;
      const numeric = (plus - minus) / (2 * eps); // central difference, error O(eps²)
      const excess = Math.abs(analytic[i]! - numeric) - (atol + rtol * Math.abs(numeric));
      if (excess <= 0) continue;
      mismatches++;
      const rank = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
      if (rank > worstExcess) {
        worstExcess = rank;
        worst = i;
        worstNumeric = numeric;
      }
    }
    if (mismatches > 0) {
      const a = analytic[worst]!;
      failures.push(
        `input ${k} ${formatShape(input.shape)}: ${mismatches} of ${data.length} elements differ; ` +
          `worst at element ${worst} (index ${formatShape(unravel(worst, input.shape))}): ` +
          `analytic ${a}, numeric ${worstNumeric} (abs diff ${Math.abs(a - worstNumeric)}).`,
      );
    }
  });
  if (failures.length > 0) {
    throw new GradientError(
      `${op}: analytic gradients differ from central finite differences (eps ${formatNumber(eps)}, ` +
        `atol ${formatNumber(atol)}, rtol ${formatNumber(rtol)}) of sum(fn(...inputs)·R) for a random projection R:\n  ${failures.join('\n  ')}`,
    );
  }
}

/** Passes `out` through if it is a floating tensor. */
function checkOutput(op: string, out: Tensor): Tensor {
  if (!isFloating(out.dtype)) {
    throw new InvalidArgumentError(`${op}: fn must return a float32 or float64 tensor; got ${out.dtype}.`);
  }
  return out;
}

/** Σ out·r in float64 over the row-major elements. */
function dot(out: Tensor, r: Float64Array): number {
  const values = out.toTypedArray();
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * r[i]!;
  return s;
}

/**
 * `n` weights ±[0.5, 1.5) from mulberry32 (a 32-bit PRNG), so the check is reproducible and no
 * element's gradient is weighted near zero.
 */
function randomSigns(n: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const magnitude = 0.5 + next();
    r[i] = next() < 0.5 ? -magnitude : magnitude;
  }
  return r;
}
