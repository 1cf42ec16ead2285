import type { Tensor } from '@attnkit/tensor';
import type { FloatArray } from '../optimizer.js';

/** Writes row-major `values` into the view `p`, in place (through its strides when not contiguous). */
export function writeBack(p: Tensor, values: FloatArray): void {
  const { data, offset, stride, shape } = p.nd;
  if (p.isContiguous()) {
    // A contiguous view is row-major from its offset.
    (data as FloatArray).set(values, offset);
    return;
  }
  const index = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < values.length; i++) {
    let at = offset;
    for (let a = 0; a < shape.length; a++) at += index[a]! * stride[a]!;
    data[at] = values[i]!;
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++index[a]! < shape[a]!) break;
      index[a] = 0;
    }
  }
}
