import '../kernels/js/matmul.js';
import { record } from '../autograd/record.js';
import { allocateUninitialized, type DType, promoteTypes, type TypedArray } from '../dtype.js';
import { formatShape, ShapeError, shapeError } from '../errors.js';
import { backend } from '../kernels/registry.js';
import { reshape } from '../ops/reshape.js';
import { broadcastShapes, broadcastStrides, offsetsOf, shapeSize } from '../shape.js';
import { fromData, provideMethods, type Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { foldRows, gemm, type MatrixStack, stackOf, transposed } from './matrix.js';

/**
 * The implementation of `matmul` (ops/matmul.ts, which documents it): shared by the `matmul`
 * op and `Tensor.prototype.matmul`. The method calls this, not the op, so that a bundle that only
 * calls `x.matmul(y)` does not pull in the WebAssembly backend (see kernels/prefer-wasm.ts).
 */
export function matmulOp(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0) throw shapeError('matmul', 'a', '(..., k) with at least 1 axis', a.shape);
  if (b.ndim === 0) throw shapeError('matmul', 'b', '(..., k, n) or (k) with at least 1 axis', b.shape);
  const sa = stackOf(a.nd, a.ndim > 1, true);
  const sb = stackOf(b.nd, true, b.ndim > 1);
  if (sa.cols !== sb.rows) {
    throw new ShapeError(
      `matmul: a ${formatShape(a.shape)} and b ${formatShape(b.shape)} have mismatched inner dimensions (${sa.cols} vs ${sb.rows}).`,
    );
  }
  const batch = broadcastShapes('matmul', sa.batchShape, sb.batchShape, [
    `a ${formatShape(a.shape)} with batch axes`,
    `b ${formatShape(b.shape)} with batch axes`,
  ]);
  const m = sa.rows;
  const n = sb.cols;
  const dtype = a.dtype === 'bool' && b.dtype === 'bool' ? 'int32' : promoteTypes(a.dtype, b.dtype);
  const data = product(sa, sb, batch, dtype);
  const shape = [...batch, ...(a.ndim > 1 ? [m] : []), ...(b.ndim > 1 ? [n] : [])];
  const out = fromData(data, shape, dtype);
  return record('matmul', out, [a, b], (g) => {
    const sg = stackOf(g.nd, a.ndim > 1, b.ndim > 1);
    // dL/dA = g·Bᵀ, then summed over the batch axes A was broadcast along.
    const gradA = a.requiresGrad ? collapse(product(sg, transposed(sb), batch, a.dtype), batch, a, sa) : null;
    // dL/dB = Aᵀ·g; when B is shared by the whole batch, contract over (batch, m) in one product.
    let gradB: Tensor | null = null;
    if (b.requiresGrad) {
      const shared = sb.batchShape.every((d) => d === 1) && batch.length > 0;
      const at = shared ? foldRows(sa, batch) : null;
      const gf = at === null ? null : foldRows(sg, batch);
      if (at !== null && gf !== null) {
        gradB = reshape(fromData(product(transposed(at), gf, [], b.dtype), [sb.rows, n], b.dtype), b.shape);
      } else {
        gradB = collapse(product(transposed(sa), sg, batch, b.dtype), batch, b, sb);
      }
    }
    return [gradA, gradB];
  });
}

/**
 * Row-major storage of `a·b` for every batch index: shape (...batch, a.rows, b.cols) in `dtype`.
 * One `batchedMatmul` kernel call over every matrix (their offsets found by walking the batch
 * strides as an odometer), or one `matmul` call in all when `b` is shared by the batch and `a`'s
 * batch axes fold into its rows.
 */
function product(a: MatrixStack, b: MatrixStack, batch: readonly number[], dtype: DType): TypedArray {
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  const count = shapeSize(batch);
  const out = allocateUninitialized(dtype, count * m * n, 'matmul', [...batch, m, n]);
  if (out.length === 0) return out;
  const aStep = broadcastStrides(a.batchShape, a.batchStride, batch);
  const bStep = broadcastStrides(b.batchShape, b.batchStride, batch);
  const folded = bStep.every((s) => s === 0) ? foldRows(a, batch) : null;
  if (folded !== null) {
    gemm(out, folded, b, folded.rows, n, k);
    return out;
  }
  const aOffsets = offsetsOf(batch, aStep, a.offset);
  const bOffsets = offsetsOf(batch, bStep, b.offset);
  backend().batchedMatmul(
    { data: out, offset: 0 },
    { data: a.data, offsets: aOffsets, rowStride: a.rowStride, colStride: a.colStride },
    { data: b.data, offsets: bOffsets, rowStride: b.rowStride, colStride: b.colStride },
    m,
    n,
    k,
    count,
  );
  return out;
}

/**
 * A gradient computed over the full batch, (…batch, rows, cols), summed back over the axes that
 * `input` (read as the stack `s`) was broadcast along, in `input`'s shape.
 */
function collapse(data: TypedArray, batch: readonly number[], input: Tensor, s: MatrixStack): Tensor {
  const full = fromData(data, [...batch, s.rows, s.cols], input.dtype);
  return reshape(sumToShape(full, [...s.batchShape, s.rows, s.cols]), input.shape);
}

// The method form (`x.matmul(…)`) reaches this op through registration: tensor.ts does not import it.
provideMethods({ matmul: matmulOp });
