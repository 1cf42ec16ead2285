import { record } from '../autograd/record.js';
import { allocate } from '../dtype.js';
import { sumToShape } from '../internal/broadcast.js';
import { maskPositions } from '../internal/mask-positions.js';
import { expectBool, expectTensor } from '../internal/unary.js';
import { broadcastShapes } from '../shape.js';
import { fromData, provideMethods, type Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { zeros } from './creation.js';
import { maskedScatter } from './masked-scatter.js';

/**
 * The elements of `x` where `mask` is true, in row-major order, as a 1-D tensor (PyTorch
 * `torch.masked_select`, i.e. `x[mask]`); `x` and `mask` broadcast to a common shape.
 *
 * Shapes: x (...), mask (...) -> (k), k = number of true entries of the broadcast mask
 *
 * @param x - A tensor.
 * @param mask - A `bool` tensor.
 * @returns A new 1-D tensor of `x`'s dtype; the gradient scatters back to the selected positions.
 * @throws {@link ShapeError} if `x` and `mask` do not broadcast.
 * @throws {@link InvalidArgumentError} if `x` is not a Tensor or `mask` is not a bool Tensor.
 * @example
 * ```ts
 * const x = tensor([[1, -2], [-3, 4]]);
 * maskedSelect(x, gt(x, 0)); // [1, 4]
 * ```
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  expectTensor('maskedSelect', x);
  expectBool('maskedSelect', mask, 'mask');
  const shape = broadcastShapes('maskedSelect', x.shape, mask.shape, ['x', 'mask']);
  const positions = maskPositions(mask, shape);
  const source = broadcastTo(x, shape).toTypedArray();
  const data = allocate(x.dtype, positions.length);
  for (let k = 0; k < positions.length; k++) data[k] = source[positions[k]!]!;
  const out = fromData(data, [positions.length], x.dtype);
  return record('maskedSelect', out, [x], (g) => [
    sumToShape(maskedScatter(zeros(shape, { dtype: x.dtype }), broadcastTo(mask, shape), g), x.shape),
  ]);
}

// The method form (`x.maskedSelect(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ maskedSelect });
