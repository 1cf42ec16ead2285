/**
 * Views read as matrices through their strides, shared by the product ops (`matmul`, `linear`):
 * no copy unless a caller asks for one.
 */
import '../kernels/js/matmul.js';
import type { TypedArray } from '../dtype.js';
import type { MatrixView } from '../kernels/backend.js';
import { backend } from '../kernels/registry.js';
import type { NdArray } from '../ndarray.js';
import { broadcastStrides, shapeSize } from '../shape.js';

/** A matrix read through strides; its extents are the caller's (the kernels' {@link MatrixView}). */
export type Strided = MatrixView;

/** A stack of matrices read through strides: batch axes, then rows and columns. */
export interface MatrixStack extends Strided {
  readonly batchShape: readonly number[];
  readonly batchStride: readonly number[];
  readonly rows: number;
  readonly cols: number;
}

/**
 * Reads a view as a stack of matrices over its last two axes. A side without an axis has extent 1:
 * a 1-D left operand (k) has no row axis (PyTorch prepends a 1), a 1-D right operand (k) no column
 * axis (PyTorch appends a 1), and the output gradient lacks whichever axes the product removed.
 */
export function stackOf(nd: NdArray, hasRows: boolean, hasCols: boolean): MatrixStack {
  const { shape, stride } = nd;
  let axis = shape.length;
  const colAxis = hasCols ? --axis : -1;
  const rowAxis = hasRows ? --axis : -1;
  return {
    data: nd.data,
    offset: nd.offset,
    batchShape: shape.slice(0, axis),
    batchStride: stride.slice(0, axis),
    rows: hasRows ? shape[rowAxis]! : 1,
    cols: hasCols ? shape[colAxis]! : 1,
    rowStride: hasRows ? stride[rowAxis]! : 0,
    colStride: hasCols ? stride[colAxis]! : 0,
  };
}

/** The stack of transposed matrices: a stride swap, no copy. */
export function transposed(s: MatrixStack): MatrixStack {
  return { ...s, rows: s.cols, cols: s.rows, rowStride: s.colStride, colStride: s.rowStride };
}

/**
 * `s` broadcast to `batch` with the batch axes merged into the rows — a single (count·rows)×cols
 * matrix — when its strides allow it (each batch axis steps over whole blocks of the rows inside
 * it; extent-1 axes, the row axis included, are free), else null.
 */
export function foldRows(s: MatrixStack, batch: readonly number[]): MatrixStack | null {
  const strides = broadcastStrides(s.batchShape, s.batchStride, batch);
  const fold = (rows: number, rowStride: number): MatrixStack => ({
    ...s,
    batchShape: [],
    batchStride: [],
    rows,
    rowStride,
  });
  if (s.rows * shapeSize(batch) === 0) return fold(0, 0);
  // Innermost axis first: the first with extent > 1 sets the row stride, every later one must step
  // over all the rows inside it.
  let rowStride = s.rowStride;
  let rows = s.rows;
  for (let d = batch.length - 1; d >= 0; d--) {
    const extent = batch[d]!;
    if (extent === 1) continue;
    if (rows === 1) rowStride = strides[d]!;
    else if (strides[d] !== rowStride * rows) return null;
    rows *= extent;
  }
  return fold(rows, rowStride);
}

/**
 * A view `(..., n)` as one rows × n matrix, its leading axes folded into the rows, when its strides
 * allow it (else null: the caller copies it contiguous first). A 1-D view is a single row.
 */
export function rowsOf(nd: NdArray): MatrixStack | null {
  const s = stackOf(nd, nd.shape.length > 1, true);
  return foldRows(s, s.batchShape);
}

/** One kernel call: out (m × n, row-major from 0) = (m × k matrix `a`) · (k × n matrix `b`). */
export function gemm(out: TypedArray, a: Strided, b: Strided, m: number, n: number, k: number): void {
  backend().matmul({ data: out, offset: 0 }, a, b, m, n, k);
}
