/**
 * Walks every lane (the 1-D fibre along `axis`) of an array of `shape`, for several strided views
 * at once. Before each call of `visit`, `bases[k]` holds the index of the lane's first element in
 * view k; the caller steps along the lane with `strides[k][axis]`. Starts from the `bases` given
 * (the views' offsets) and mutates it. The other axes advance as an odometer, innermost first, so
 * row-major views are visited in storage order.
 */
export function forEachLane(
  shape: readonly number[],
  axis: number,
  strides: readonly (readonly number[])[],
  bases: number[],
  visit: () => void,
): void {
  const nd = shape.length;
  let lanes = 1;
  for (let d = 0; d < nd; d++) if (d !== axis) lanes *= shape[d]!;
  const views = strides.length;
  const idx = new Array<number>(nd).fill(0);
  for (let r = 0; r < lanes; r++) {
    visit();
    for (let d = nd - 1; d >= 0; d--) {
      if (d === axis) continue;
      const extent = shape[d]!;
      for (let v = 0; v < views; v++) bases[v] = bases[v]! + strides[v]![d]!;
      const next = idx[d]! + 1;
      if (next < extent) {
        idx[d] = next;
        break;
      }
      // idx[d] wrapped: rewind this axis and carry into the next one out.
      for (let v = 0; v < views; v++) bases[v] = bases[v]! - strides[v]![d]! * extent;
      idx[d] = 0;
    }
  }
}
