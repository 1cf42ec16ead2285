import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';

/**
 * Checks that `index` is an int32 tensor whose values lie in [0, bound).
 * @throws {@link InvalidArgumentError} naming the dtype, or the first offending value and its
 *   position in `index` (as a multi-index), with `what` describing the bound.
 */
export function checkIndexTensor(
  op: string,
  argument: string,
  index: Tensor,
  bound: number,
  what: string,
): void {
  if (index.dtype !== 'int32') {
    throw new InvalidArgumentError(`${op}: ${argument} must have dtype int32; got ${index.dtype}.`);
  }
  const values = index.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= bound) {
      throw new InvalidArgumentError(
        `${op}: ${argument} values must lie in [0, ${bound}) (${what}); got ${v} at position (${unravel(i, index.shape).join(', ')}).`,
      );
    }
  }
}

/** The row-major multi-index of flat position `i` in `shape`. */
function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    out[d] = i % n;
    i = Math.floor(i / n);
  }
  return out;
}
