// Imported for its effect: a program that uses this op runs on the WebAssembly backend by default.
import '../kernels/prefer-wasm.js';
import '../kernels/js/matmul.js';
import '../kernels/js/relu.js';
import { record } from '../autograd/record.js';
import { allocate, allocateUninitialized, type DType, promoteTypes, type TypedArray } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError, shapeError } from '../errors.js';
import { gemm, type MatrixStack, rowsOf, type Strided, stackOf, transposed } from '../internal/matrix.js';
import { expectTensor } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import type { NdArray } from '../ndarray.js';
import { fromData, type Tensor } from '../tensor.js';
import { checkOptions } from '../validation/check-options.js';

/** Options of {@link linear}. */
export interface LinearOptions {
  /**
   * `'relu'`: return relu(x·Wᵀ + b), fused (the bias add and the ReLU in one pass over the
   * product's output, and the backward masks the gradient and sums the bias gradient in one pass);
   * `'none'` (default): the affine map alone.
   */
  activation?: 'none' | 'relu';
}

/**
 * Affine map over the last axis, y = x·Wᵀ + b, as one op (PyTorch `F.linear`).
 *
 * Shapes: x (..., in), weight (out, in), bias (out) -> (..., out)
 *
 * @param x - Input with at least one axis; its last axis holds the `in` features.
 * @param weight - Weight matrix `(out, in)`, read transposed in place (no copy).
 * @param bias - Additive bias `(out)`, or null/omitted for none.
 * @param options - `activation = 'none'`; `'relu'` fuses a ReLU (the FFN's first layer).
 * @returns A new contiguous tensor `(..., out)` of the dtype promoted from `x`, `weight` and `bias`
 *   as `matmul` promotes (all `bool` gives int32).
 * @throws {@link InvalidArgumentError} if `x`, `weight` or a given `bias` is not a Tensor, or for an
 *   unknown option or an `activation` other than `'none'` and `'relu'`.
 * @throws {@link ShapeError} if `x` is 0-d.
 * @throws {@link ShapeError} if `weight` is not 2-D.
 * @throws {@link ShapeError} naming both shapes if the last axis of `x` is not `weight`'s second axis.
 * @throws {@link ShapeError} naming both shapes if `bias` is not `(out)` for `weight` `(out, in)`.
 * @remarks A fused `add(matmul(x, transpose(weight)), bias)` for training speed: the leading axes of
 *   `x` fold into the rows of one `(rows × in)·(in × out)` matrix product (`x` is copied only when its
 *   strides do not allow the fold), and the bias is added in place into that product's output, so
 *   there is no broadcast pass and no second output. The product rounds as `matmul` does (float32 on
 *   WebAssembly SIMD accumulates in float32), then the bias sum rounds once more, as the unfused pair
 *   does. The backward is three products over the folded rows, each computed only for an input that
 *   requires gradients: dx = g·W, dweight = gᵀ·x and dbias = 1ᵀ·g (the column sums of g, run by the
 *   same kernel, about 3× faster than a JavaScript loop; on its WebAssembly path float32 accumulates
 *   in float32, as PyTorch's CPU reduction does).
 * @see D2L §3.4 "Linear Regression Implementation from Scratch"; PyTorch `torch.nn.functional.linear`.
 * @example
 * ```ts
 * linear(tensor([[1, 2]]), tensor([[1, 0], [1, 1], [0, 2]]), tensor([0, 10, 100])); // [[1, 13, 104]]
 * linear(ones([2, 5, 4]), ones([3, 4])).shape; // [2, 5, 3], every entry 4
 * ```
 */
export function linear(
  x: Tensor,
  weight: Tensor,
  bias: Tensor | null = null,
  options: LinearOptions = {},
): Tensor {
  const op = 'linear';
  checkOptions(op, options, { activation: 'string' });
  const activation = options.activation ?? 'none';
  if (activation !== 'none' && activation !== 'relu') {
    throw new InvalidArgumentError(
      `${op}: activation must be 'none' or 'relu'; got ${JSON.stringify(activation)}.`,
    );
  }
  const fuseRelu = activation === 'relu';
  expectTensor(op, x);
  expectTensor(op, weight, 'weight');
  if (bias !== null) expectTensor(op, bias, 'bias');
  if (x.ndim === 0) throw shapeError(op, 'x', '(..., in) with at least 1 axis', x.shape);
  if (weight.ndim !== 2) throw shapeError(op, 'weight', '(out, in)', weight.shape);
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  if (x.shape[x.ndim - 1] !== inFeatures) {
    throw new ShapeError(
      `${op}: x ${formatShape(x.shape)} and weight ${formatShape(weight.shape)} have mismatched in features (${x.shape[x.ndim - 1]} vs ${inFeatures}).`,
    );
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(
      `${op}: bias must have shape (${outFeatures}) for weight ${formatShape(weight.shape)}; got ${formatShape(bias.shape)}.`,
    );
  }
  let dtype: DType = promoteTypes(x.dtype, weight.dtype);
  if (bias !== null) dtype = promoteTypes(dtype, bias.dtype);
  if (dtype === 'bool') dtype = 'int32'; // as matmul: bool × bool counts

  // Rows of x, read through strides; a copy only when the leading axes do not fold into rows.
  const xr = rowsOf(x.nd) ?? (rowsOf(x.detach().contiguous().nd) as MatrixStack);
  const rows = xr.rows;
  const shape = [...x.shape.slice(0, -1), outFeatures];
  const data = allocateUninitialized(dtype, rows * outFeatures, 'linear', shape);
  const w = stackOf(weight.nd, true, true);
  // y = x·Wᵀ (+ b, ReLU) in one call: Wᵀ (in × out) is W read with its strides swapped. The
  // backend adds the bias while the product is in its memory; with in = 0 it writes b (or zeros).
  backend().matmulBias(
    { data, offset: 0 },
    xr,
    transposed(w),
    rows,
    outFeatures,
    inFeatures,
    bias === null ? null : biasRow(bias.nd, outFeatures),
    fuseRelu,
  );
  const out = fromData(data, shape, dtype);

  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record(op, out, inputs, (grad) => {
    let g = grad;
    // ReLU: the gradient masked by y > 0 and, in the same pass, its column sums (the bias gradient).
    let dbFused: Float64Array | null = null;
    if (fuseRelu) {
      const gc = grad.contiguous();
      const masked = allocateUninitialized(gc.dtype, rows * outFeatures);
      dbFused = bias?.requiresGrad ? new Float64Array(outFeatures) : null;
      backend().reluMaskColumnSum(masked, gc.nd, data, dbFused, rows, outFeatures);
      g = fromData(masked, shape, gc.dtype);
    }
    const gr = rowsOf(g.nd) ?? (rowsOf(g.contiguous().nd) as MatrixStack);
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      // dL/dx = g·W: (rows × out)·(out × in).
      const d = allocateUninitialized(x.dtype, rows * inFeatures);
      gemm(d, gr, w, rows, inFeatures, outFeatures);
      dx = fromData(d, x.shape, x.dtype);
    }
    let dw: Tensor | null = null;
    if (weight.requiresGrad) {
      // dL/dW = gᵀ·x: (out × rows)·(rows × in), the sum over every row in one product.
      const d = allocateUninitialized(weight.dtype, outFeatures * inFeatures);
      gemm(d, transposed(gr), xr, outFeatures, inFeatures, rows);
      dw = fromData(d, weight.shape, weight.dtype);
    }
    if (bias === null) return [dx, dw];
    let db: Tensor | null = null;
    if (dbFused !== null) {
      const d = allocate(bias.dtype, outFeatures);
      d.set(dbFused);
      db = fromData(d, bias.shape, bias.dtype);
    } else if (bias.requiresGrad) {
      // dL/db = Σ_rows g = 1ᵀ·g: (1 × rows)·(rows × out), the ones read from one element (strides 0).
      const d = allocate(bias.dtype, outFeatures);
      gemm(d, ONES, gr, 1, outFeatures, rows);
      db = fromData(d, bias.shape, bias.dtype);
    }
    return [dx, dw, db];
  });
}

/** A 1 × k matrix of ones for any k: one element read with strides 0. */
const ONES: Strided = { data: new Float32Array([1]), offset: 0, rowStride: 0, colStride: 0 };

/** The bias `(n)` as n consecutive elements (a copy only for a strided view). */
function biasRow(bias: NdArray, n: number): TypedArray {
  const { data, offset } = bias;
  const step = bias.stride[0]!;
  if (step === 1) return data.subarray(offset, offset + n);
  const b = allocate('float64', n);
  for (let j = 0; j < n; j++) b[j] = data[offset + j * step]!;
  return b;
}
