import { formatShape, InvalidArgumentError, ShapeError } from './errors.js';

/** Number of elements of `shape` (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** True when both shapes have the same rank and extents. */
export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Resolves a possibly negative `axis` against rank `ndim` (PyTorch: -1 is the last axis).
 * @throws {@link InvalidArgumentError} if `axis` is not an integer in [-ndim, ndim).
 */
export function normalizeAxis(op: string, axis: number, ndim: number, argument = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= Math.max(ndim, 1)) {
    throw new InvalidArgumentError(
      `${op}: ${argument} must be an integer in [${-ndim}, ${Math.max(ndim, 1) - 1}] for a tensor of rank ${ndim}; got ${axis}.`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalised, sorted, de-duplicated axes; `undefined` means all axes. */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  ndim: number,
): number[] {
  if (axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  const out = new Set<number>();
  for (const a of list) out.add(normalizeAxis(op, a, ndim));
  return [...out].sort((x, y) => x - y);
}

/**
 * Validates a user-given shape: non-negative integers.
 * @throws {@link InvalidArgumentError} naming `argument` otherwise.
 */
export function checkShape(op: string, shape: readonly number[], argument = 'shape'): number[] {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new InvalidArgumentError(
        `${op}: ${argument} must contain non-negative integers; got ${formatShape(shape)}.`,
      );
    }
  }
  return shape.slice();
}

/**
 * NumPy/PyTorch broadcasting of two shapes (align right; extents equal or one of them 1).
 * @throws {@link ShapeError} naming both shapes when they do not broadcast.
 */
export function broadcastShapes(
  op: string,
  a: readonly number[],
  b: readonly number[],
  names = ['a', 'b'],
): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: ${names[0]} ${formatShape(a)} and ${names[1]} ${formatShape(b)} are not broadcastable (axis ${i - n}: ${da} vs ${db}).`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides that read an array of `shape`/`stride` as if it had `target` shape (stride 0 on
 * broadcast axes). Assumes `broadcastShapes` already accepted the pair.
 */
export function broadcastStrides(
  shape: readonly number[],
  stride: readonly number[],
  target: readonly number[],
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : (stride[i] as number);
  }
  return out;
}

/**
 * The storage offset of every index of `shape` read through `stride` from `offset`, in row-major
 * order of the indices (an odometer): the per-matrix offsets of a batch of matrices, or the
 * per-row offsets of a stack of rows.
 */
export function offsetsOf(shape: readonly number[], stride: readonly number[], offset: number): Int32Array {
  const out = new Int32Array(shapeSize(shape));
  offsetsInto(out, 0, shape, stride, offset);
  return out;
}

/**
 * {@link offsetsOf} written into `out` from index `at` (e.g. a table in the WebAssembly memory),
 * without an intermediate array. The innermost axis is a plain strided run; the odometer turns
 * only the outer axes (per row of a (batch, len, heads) stack that is 1 step in `shape[-1]`).
 */
export function offsetsInto(
  out: Int32Array,
  at: number,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
): void {
  const nd = shape.length;
  const total = shapeSize(shape);
  if (total === 0) return;
  if (nd === 0) {
    out[at] = offset;
    return;
  }
  const inner = shape[nd - 1]!;
  const step = stride[nd - 1]!;
  const idx = new Array<number>(nd - 1).fill(0);
  let base = offset;
  for (let t = at, end = at + total; t < end; ) {
    for (let j = 0, o = base; j < inner; j++, o += step) out[t++] = o;
    for (let ax = nd - 2; ax >= 0; ax--) {
      base += stride[ax]!;
      if (++idx[ax]! < shape[ax]!) break;
      base -= stride[ax]! * shape[ax]!;
      idx[ax] = 0;
    }
  }
}
