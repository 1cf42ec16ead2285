/** `shape` with the strides of several views over it, after {@link collapseAxes}. */
export interface CollapsedLayout {
  /** Extents, outermost first; never contains a 1 (a one-element array collapses to `[]`). */
  readonly shape: number[];
  /** One stride list per view, aligned with `shape`. */
  readonly strides: number[][];
}

/**
 * The smallest equivalent layout of several views walked together over `shape` (row-major):
 * extent-1 axes are dropped, and axis d is merged into axis d+1 whenever every view steps over
 * axis d by exactly one full sweep of axis d+1 (`stride[d] = stride[d+1]·shape[d+1]`, which also
 * holds for two broadcast axes of stride 0). A contiguous operation becomes one flat run and a
 * bias broadcast `(batch, n, d) + (d)` becomes `(batch·n, d)`, so kernels run long inner loops
 * and short odometers.
 */
export function collapseAxes(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): CollapsedLayout {
  const views = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let v = 0; v < views; v++) outStrides.push([]);
  for (let d = 0; d < shape.length; d++) {
    const extent = shape[d]!;
    if (extent === 1) continue;
    const k = outShape.length - 1;
    let merge = k >= 0;
    for (let v = 0; v < views && merge; v++) {
      // The previous kept axis (k) steps by one sweep of this axis in every view.
      if (outStrides[v]![k] !== strides[v]![d]! * extent) merge = false;
    }
    if (merge) {
      outShape[k] = outShape[k]! * extent;
      for (let v = 0; v < views; v++) outStrides[v]![k] = strides[v]![d]!;
    } else {
      outShape.push(extent);
      for (let v = 0; v < views; v++) outStrides[v]!.push(strides[v]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}
