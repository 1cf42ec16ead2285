import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { erfc } from '../internal/erf.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import type { Tensor } from '../tensor.js';
import { checkOptions } from '../validation/check-options.js';

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** `'none'` (default): the exact erf form; `'tanh'`: Hendrycks & Gimpel's tanh approximation. */
  approximate?: 'none' | 'tanh';
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;

// Exact: x Φ(x) with Φ(x) = (1 + erf(x/√2)) / 2 = erfc(-x/√2) / 2; erfc keeps the left tail
// accurate where 1 + erf(x/√2) would cancel to 0.
const geluErf = (x: number): number => 0.5 * x * erfc(-x * SQRT1_2);
// d/dx x Φ(x) = Φ(x) + x φ(x), φ(x) = exp(-x²/2) / √(2π).
const geluErfGrad = (g: number, x: number): number =>
  g * (0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));

// Approximate: x (1 + tanh(√(2/π) (x + 0.044715 x³))) / 2.
const geluTanh = (x: number): number => 0.5 * x * (1 + Math.tanh(K * (x + C * x * x * x)));
const geluTanhGrad = (g: number, x: number): number => {
  const t = Math.tanh(K * (x + C * x * x * x));
  return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * K * (1 + 3 * C * x * x));
};

/**
 * Elementwise Gaussian error linear unit x·Φ(x), Φ the standard normal CDF (PyTorch `gelu`).
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @param options - `approximate: 'tanh'` for the tanh approximation; the exact erf form by default.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32).
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor, or `approximate` is neither `'none'` nor `'tanh'`.
 * @remarks The exact form uses a double-precision erfc (W. J. Cody's rational approximations,
 *   relative error < 1e-15), so float64 results are accurate to the last few bits and the left tail
 *   does not flush to 0.
 * @see Hendrycks & Gimpel 2016, "Gaussian Error Linear Units (GELUs)"; D2L §11.7 (Transformer FFN).
 * @example
 * ```ts
 * gelu(tensor([-1, 0, 1, 2])); // [-0.15865526, 0, 0.8413447, 1.9544997]
 * ```
 */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  expectTensor('gelu', x);
  checkOptions('gelu', options, { approximate: 'string' });
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new InvalidArgumentError(`gelu: approximate must be 'none' or 'tanh'; got ${String(approximate)}.`);
  }
  const exact = approximate === 'none';
  const out = mapUnary(x, exact ? geluErf : geluTanh, toFloating(x.dtype));
  return record('gelu', out, [x], (g) => [mapGrad(g, x, exact ? geluErfGrad : geluTanhGrad)]);
}
