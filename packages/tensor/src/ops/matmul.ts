import { record } from '../autograd/record.js';
import { allocate, type DType, promoteTypes, type TypedArray } from '../dtype.js';
import { formatShape, ShapeError, shapeError } from '../errors.js';
import { sumToShape } from '../internal/broadcast.js';
import { foldRows, gemm, type MatrixStack, stackOf, transposed } from '../internal/matrix.js';
import { kernels } from '../kernels/registry.js';
import { broadcastShapes, broadcastStrides, shapeSize } from '../shape.js';
import { fromData, type Tensor } from '../tensor.js';
import { reshape } from './reshape.js';

/**
 * Matrix product with PyTorch `torch.matmul` semantics: dot product, matrix-vector, matrix-matrix,
 * and batched products whose leading (batch) axes broadcast.
 *
 * Shapes: a (k), b (k) -> (); a (..., m, k), b (k) -> (..., m); a (k), b (..., k, n) -> (..., n);
 * a (...a, m, k), b (...b, k, n) -> (broadcast(...a, ...b), m, n)
 *
 * @param a - Left operand, rank ≥ 1; a 1-D `a` is a row vector (a 1 is prepended, then removed).
 * @param b - Right operand, rank ≥ 1; a 1-D `b` is a column vector (a 1 is appended, then removed).
 * @returns A new contiguous tensor of the promoted dtype (`bool` × `bool` gives int32).
 * @throws {@link ShapeError} if `a` or `b` is 0-d.
 * @throws {@link ShapeError} naming both shapes if the inner dimensions differ (k of `a` vs k of `b`).
 * @throws {@link ShapeError} naming both shapes if the batch axes do not broadcast.
 * @remarks Float32 products run on WebAssembly SIMD where the engine supports it (see `setBackend`)
 * and accumulate in float32, like PyTorch's CPU SGEMM; with `setBackend('js')`, and for float64, they
 * accumulate in float64 over the whole inner dimension and round once to the output dtype; int32
 * products are exact with 32-bit wrap-around, like PyTorch's int32. Strided,
 * transposed and broadcast operands are read in place (the kernel packs them), never copied. When `b`
 * is shared across the batch (e.g. `(batch, queries, d) @ (d, h)`) the batch is folded into the rows
 * and computed as one large product. The backward is dA = g·Bᵀ and dB = Aᵀ·g, each summed over the
 * batch axes its operand was broadcast along.
 * @see D2L §2.3 "Linear Algebra", §11.3 (batched products `torch.bmm`); PyTorch `torch.matmul`.
 * @example
 * ```ts
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])); // [[19, 22], [43, 50]]
 * const queries = ones([2, 3, 4]); // (batch, queries, d)
 * const keys = ones([2, 5, 4]); // (batch, keys, d)
 * matmul(queries, transpose(keys)); // (2, 3, 4) @ (2, 4, 5) -> (2, 3, 5), every entry 4
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
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
  const out = allocate(dtype, count * m * n, 'matmul', [...batch, m, n]);
  if (out.length === 0) return out;
  const aStep = broadcastStrides(a.batchShape, a.batchStride, batch);
  const bStep = broadcastStrides(b.batchShape, b.batchStride, batch);
  const folded = bStep.every((s) => s === 0) ? foldRows(a, batch) : null;
  if (folded !== null) {
    gemm(out, folded, b, folded.rows, n, k);
    return out;
  }
  const idx = new Array<number>(batch.length).fill(0);
  const aOffsets = new Int32Array(count);
  const bOffsets = new Int32Array(count);
  let ao = a.offset;
  let bo = b.offset;
  for (let t = 0; t < count; t++) {
    aOffsets[t] = ao;
    bOffsets[t] = bo;
    for (let d = batch.length - 1; d >= 0; d--) {
      ao += aStep[d]!;
      bo += bStep[d]!;
      if (++idx[d]! < batch[d]!) break;
      ao -= aStep[d]! * batch[d]!;
      bo -= bStep[d]! * batch[d]!;
      idx[d] = 0;
    }
  }
  kernels.batchedMatmul(
    out,
    0,
    a.data,
    aOffsets,
    a.rowStride,
    a.colStride,
    b.data,
    bOffsets,
    b.rowStride,
    b.colStride,
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
