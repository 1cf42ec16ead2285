import { record } from '../autograd/record.js';
import { allocate, castScalar } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { maskPositions } from '../internal/mask-positions.js';
import { expectBool, expectTensor } from '../internal/unary.js';
import { fromData, type Tensor } from '../tensor.js';
import { concat } from './concat.js';
import { zeros } from './creation.js';
import { maskedFill } from './masked-fill.js';
import { maskedSelect } from './masked-select.js';
import { reshape } from './reshape.js';

/**
 * A copy of `x` whose positions where `mask` is true take the elements of `source` in row-major
 * order (PyTorch `masked_scatter`, the out-of-place `x[mask] = values`); `mask` broadcasts to
 * `x`'s shape. For one value everywhere use {@link maskedFill} or {@link where}.
 *
 * Shapes: x (...), mask broadcastable to x's shape, source (...) with ≥ k elements -> x's shape
 *
 * @param x - A tensor; not modified.
 * @param mask - A `bool` tensor; true marks the positions to overwrite.
 * @param source - Values, read row-major; only the first k (the number of true entries) are used.
 * @returns A new contiguous tensor of `x`'s shape and dtype (source values converted to it).
 * @throws {@link ShapeError} if `mask` does not broadcast to `x`'s shape.
 * @throws {@link InvalidArgumentError} if `x` or `source` is not a Tensor, `mask` is not a bool
 *   Tensor, or `source` has fewer elements than `mask` has true entries.
 * @remarks The gradient of `x` is the incoming gradient with the masked positions zeroed; that of
 *   `source` is the gradient at the masked positions, zeros for its unused tail.
 * @example
 * ```ts
 * maskedScatter(zeros([2, 2]), tensor([[true, false], [false, true]]), tensor([7, 8])); // [[7, 0], [0, 8]]
 * ```
 */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  expectTensor('maskedScatter', x);
  expectBool('maskedScatter', mask, 'mask');
  expectTensor('maskedScatter', source, 'source');
  const lead = x.ndim - mask.ndim;
  if (lead < 0 || !mask.shape.every((d, i) => d === 1 || d === x.shape[lead + i])) {
    throw new ShapeError(
      `maskedScatter: mask must have a shape that broadcasts to x's shape ${formatShape(x.shape)}; got ${formatShape(mask.shape)}.`,
    );
  }
  const positions = maskPositions(mask, x.shape);
  const n = source.numel();
  if (n < positions.length) {
    throw new InvalidArgumentError(
      `maskedScatter: source must have at least ${positions.length} elements (the true entries of mask); got ${n} (shape ${formatShape(source.shape)}).`,
    );
  }
  const data = allocate(x.dtype, x.numel());
  data.set(x.toTypedArray());
  const values = source.toTypedArray();
  for (let k = 0; k < positions.length; k++) data[positions[k]!] = castScalar(Number(values[k]), x.dtype);
  const out = fromData(data, x.shape, x.dtype);
  return record('maskedScatter', out, [x, source], (g) => {
    const picked = maskedSelect(g, mask);
    const tail = n - picked.numel();
    const padded = tail === 0 ? picked : concat([picked, zeros([tail], { dtype: g.dtype })]);
    return [
      x.requiresGrad ? maskedFill(g, mask, 0) : null,
      source.requiresGrad ? reshape(padded, source.shape) : null,
    ];
  });
}
