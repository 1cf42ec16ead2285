// Imported for its effect: a program that uses this op runs on the WebAssembly backend by default.
import '../kernels/prefer-wasm.js';
import { matmulOp } from '../internal/matmul-op.js';
import type { Tensor } from '../tensor.js';

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
  return matmulOp(a, b);
}
