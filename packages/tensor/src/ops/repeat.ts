import { formatShape, InvalidArgumentError } from '../errors.js';
import { provideMethods, type Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { reshape } from './reshape.js';

/**
 * Tiles `x` `repeats[i]` times along each axis (PyTorch `x.repeat(*sizes)`, NumPy `tile`).
 * With more repeats than axes, `x` first gains leading axes of extent 1.
 *
 * Shapes: x (d_0, …, d_{n−1}), repeats (r_0, …, r_{m−1}) with m ≥ n -> (r_0·d'_0, …, r_{m−1}·d'_{m−1})
 * where d' is x's shape left-padded with ones to length m.
 *
 * @param x - A tensor.
 * @param repeats - Non-negative repeat counts, at least one per axis of `x`.
 * @returns A new contiguous tensor; the gradient sums over the copies.
 * @throws {@link InvalidArgumentError} if `repeats` has fewer entries than `x` has axes or holds
 *   a negative or non-integer count.
 * @remarks A composite (unsqueeze each axis, broadcast the copies, reshape), so it is
 *   differentiable to any order. Unlike {@link repeatInterleave}, whole blocks repeat:
 *   `repeat([1, 2], [2])` is `[1, 2, 1, 2]`.
 * @see D2L §11.7 (`torch.arange(1, num_steps + 1).repeat(batch_size, 1)`); {@link tile}.
 * @example
 * ```ts
 * repeat(tensor([1, 2, 3]), [2, 2]); // [[1, 2, 3, 1, 2, 3], [1, 2, 3, 1, 2, 3]]
 * ```
 */
export function repeat(x: Tensor, repeats: readonly number[]): Tensor {
  return repeatOp('repeat', x, repeats);
}

/** {@link repeat} with errors naming `op` (shared with {@link tile}). */
export function repeatOp(op: string, x: Tensor, repeats: readonly number[]): Tensor {
  if (!Array.isArray(repeats) || repeats.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new InvalidArgumentError(`${op}: repeats must be non-negative integers; got [${String(repeats)}].`);
  }
  if (repeats.length < x.ndim) {
    throw new InvalidArgumentError(
      `${op}: repeats must have at least one entry per axis of x ${formatShape(x.shape)}; got [${repeats.join(', ')}].`,
    );
  }
  const padded = [...new Array<number>(repeats.length - x.ndim).fill(1), ...x.shape];
  // (d_0, d_1, …) -> (1, d_0, 1, d_1, …) -> (r_0, d_0, r_1, d_1, …) -> (r_0·d_0, r_1·d_1, …)
  const interleaved = padded.flatMap((d) => [1, d]);
  const expanded = padded.flatMap((d, i) => [repeats[i]!, d]);
  const out = padded.map((d, i) => d * repeats[i]!);
  return reshape(broadcastTo(reshape(x, interleaved), expanded), out);
}

// The method form (`x.repeat(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ repeat });
