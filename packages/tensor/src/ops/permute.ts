import { record } from '../autograd/record.js';
import { InvalidArgumentError } from '../errors.js';
import { createView } from '../ndarray.js';
import { normalizeAxis } from '../shape.js';
import { provideMethods, Tensor } from '../tensor.js';

/**
 * A view of `x` with its axes reordered: axis i of the result is axis `axes[i]` of `x` (no copy).
 *
 * Shapes: x (d0, …, dn-1) -> (d[axes[0]], …, d[axes[n-1]])
 *
 * @param x - Any tensor.
 * @param axes - A permutation of `0 … ndim-1`; negative entries count from the end.
 * @returns A view sharing `x`'s storage.
 * @throws {@link InvalidArgumentError} if `axes` is not a permutation of the axes of `x`.
 * @see PyTorch `torch.permute`.
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const n = x.ndim;
  const perm = axes.length === n ? axes.map((a) => normalizeAxis('permute', a, n)) : null;
  if (perm === null || new Set(perm).size !== n) {
    throw new InvalidArgumentError(
      `permute: axes must be a permutation of [${[...Array(n).keys()].join(', ')}] for a tensor of rank ${n}; got [${axes.join(', ')}].`,
    );
  }
  const { shape, stride } = x.nd;
  const out = new Tensor(
    createView(
      x.nd.data,
      perm.map((a) => shape[a]!),
      perm.map((a) => stride[a]!),
      x.nd.offset,
    ),
    x.dtype,
  );
  // The inverse permutation sends the gradient's axes back: inverse[perm[i]] = i.
  const inverse = new Array<number>(n);
  perm.forEach((a, i) => {
    inverse[a] = i;
  });
  return record('permute', out, [x], (g) => [permute(g, inverse)]);
}

// The method form (`x.permute(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ permute });
