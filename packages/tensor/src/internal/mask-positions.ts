import { broadcastStrides, shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';

/**
 * Row-major flat positions in `shape` where the bool tensor `mask`, broadcast to `shape`, is
 * true (the order of PyTorch's boolean-mask indexing). Shared by maskedSelect and maskedScatter.
 */
export function maskPositions(mask: Tensor, shape: readonly number[]): Int32Array {
  const { data, offset } = mask.nd;
  const stride = broadcastStrides(mask.shape, mask.nd.stride, shape);
  const n = shapeSize(shape);
  const out: number[] = [];
  const index = new Array<number>(shape.length).fill(0);
  let at = offset;
  for (let i = 0; i < n; i++) {
    if (data[at]) out.push(i);
    for (let a = shape.length - 1; a >= 0; a--) {
      at += stride[a]!;
      if (++index[a]! < shape[a]!) break;
      at -= stride[a]! * shape[a]!;
      index[a] = 0;
    }
  }
  return Int32Array.from(out);
}
