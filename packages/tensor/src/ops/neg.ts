import { record } from '../autograd/record.js';
import { InvalidArgumentError } from '../errors.js';
import { expectTensor, mapUnary } from '../internal/unary.js';
import { provideMethods, type Tensor } from '../tensor.js';

const negate = (x: number): number => -x;

/**
 * Elementwise negation -x.
 *
 * Shapes: x (...) -> x's shape
 *
 * @param x - A tensor of any dtype but `bool`.
 * @returns A new contiguous tensor of `x`'s dtype.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor, or is `bool` (as in PyTorch; use `logicalNot`).
 * @example
 * ```ts
 * neg(tensor([1, -2, 0])); // [-1, 2, -0]
 * ```
 */
export function neg(x: Tensor): Tensor {
  expectTensor('neg', x);
  if (x.dtype === 'bool') {
    throw new InvalidArgumentError(
      'neg: x must not be bool (negating a bool tensor is not supported); use logicalNot.',
    );
  }
  const out = mapUnary(x, negate);
  // d(-x)/dx = -1.
  return record('neg', out, [x], (g) => [neg(g)]);
}

// The method form (`x.neg(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ neg });
