/**
 * Row-major strides for a new dense tensor of `shape` whose axes are stored in the order of
 * `likeStride` (larger stride = outer; ties keep their order), the last axis innermost — PyTorch's
 * preserved memory format. For a head-split view (batch, heads, n, d) of a (batch, n, heads·d)
 * projection this stores the result as (batch, n, heads, d), so merging its heads back is free.
 */
export function stridesLike(likeStride: readonly number[], shape: readonly number[]): number[] {
  const last = shape.length - 1;
  const stride = new Array<number>(shape.length);
  if (last < 0) return stride;
  const order = shape
    .slice(0, last)
    .map((_, ax) => ax)
    .sort((a, b) => likeStride[b]! - likeStride[a]! || a - b);
  stride[last] = 1;
  for (let i = order.length - 1, step = shape[last]!; i >= 0; i--) {
    stride[order[i]!] = step;
    step *= shape[order[i]!]!;
  }
  return stride;
}
