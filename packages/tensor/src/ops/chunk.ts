import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { split } from './split.js';

/**
 * Cuts `x` into at most `chunks` consecutive views along `axis` (PyTorch `torch.chunk`): every
 * chunk has ⌈d / chunks⌉ elements along `axis` except possibly a shorter last one, so fewer than
 * `chunks` chunks come back when d is not divisible (`chunk(arange(6), 4)` gives 3 of size 2).
 *
 * Shapes: x (…, d, …) -> [(…, c, …), …, (…, d − (k − 1)·c, …)] with c = ⌈d / chunks⌉, k = ⌈d / c⌉
 *
 * @param x - A tensor with at least one axis.
 * @param chunks - The largest number of chunks, a positive integer.
 * @param axis - The axis to cut (default 0; negative counts from the end).
 * @returns Views sharing `x`'s storage; each backpropagates into its own slab.
 * @throws {@link ShapeError} if `x` is 0-d.
 * @throws {@link InvalidArgumentError} if `chunks` is not a positive integer or `axis` is out of range.
 * @see {@link split} (chunks of a given size).
 * @example
 * ```ts
 * chunk(arange(5), 2); // [[0, 1, 2], [3, 4]]
 * chunk(arange(6), 4); // [[0, 1], [2, 3], [4, 5]]
 * ```
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (x.ndim === 0) {
    throw new ShapeError(`chunk: x must have at least one axis; got shape ${formatShape(x.shape)}.`);
  }
  if (!Number.isInteger(chunks) || chunks <= 0) {
    throw new InvalidArgumentError(`chunk: chunks must be a positive integer; got ${chunks}.`);
  }
  const ax = normalizeAxis('chunk', axis, x.ndim);
  const dim = x.shape[ax]!;
  // PyTorch: an empty axis gives `chunks` empty chunks.
  if (dim === 0) return split(x, new Array<number>(chunks).fill(0), ax);
  return split(x, Math.ceil(dim / chunks), ax);
}

// The method form (`x.chunk(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ chunk });
