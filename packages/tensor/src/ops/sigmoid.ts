import { record } from '../autograd/record.js';
import { toFloating } from '../dtype.js';
import { expectTensor, mapGrad, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

/** 1 / (1 + e^-x) without overflow: for x < 0 use e^x / (1 + e^x), where e^x cannot overflow. */
function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Elementwise logistic sigmoid 1 / (1 + e^-x).
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor.
 * @returns A new contiguous tensor of `x`'s floating dtype (int32 and bool give float32), in [0, 1].
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor.
 * @remarks Stable for large |x|: e^-x is only evaluated for x >= 0 and e^x for x < 0, so nothing
 *   overflows and negative inputs keep full relative precision.
 * @see D2L §5.1 "Multilayer Perceptrons" (sigmoid function).
 * @example
 * ```ts
 * sigmoid(tensor([-1, 0, 1])); // [0.26894143, 0.5, 0.7310586]
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  expectTensor('sigmoid', x);
  const out = mapUnary(x, logistic, toFloating(x.dtype));
  // dσ/dx = σ(x)(1 - σ(x)): reuse the output.
  return record('sigmoid', out, [x], (g) => [mapGrad(g, out, (gi, y) => gi * y * (1 - y))]);
}

// The method form (`x.sigmoid(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ sigmoid });
