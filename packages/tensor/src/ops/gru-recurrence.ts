import { record } from '../autograd/record.js';
import { allocate, type DType, isFloating, type TypedArray } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { gemm, type Strided, stackOf, transposed } from '../internal/matrix.js';
import { expectTensor } from '../internal/unary.js';
import { gruGatesBackwardKernel, gruGatesKernel } from '../kernels/gru.js';
import { fromData, type Tensor } from '../tensor.js';

/**
 * The recurrence of one GRU layer over a whole sequence, as one differentiable op: for t = 0, 1, …
 *   r = σ(xr_t + W_hr h + b_hr), z = σ(xz_t + W_hz h + b_hz), n = tanh(xn_t + r ⊙ (W_hn h + b_hn)),
 *   h ← (1 − z) ⊙ n + z ⊙ h
 * where `xGates[t]` = x_t·W_ihᵀ + b_ih holds the input projections (xr, xz, xn) of every step,
 * computed beforehand by one matrix product (PyTorch `nn.GRU`, gate order r, z, n).
 *
 * Shapes: xGates (steps, batch, 3·hiddens), h0 (batch, hiddens), weightHH (3·hiddens, hiddens),
 * biasHH (3·hiddens) -> outputs (steps, batch, hiddens), the hidden state after every step
 *
 * @param xGates - Input projections of every step, `(steps, batch, 3·hiddens)`, gates r, z, n.
 * @param h0 - Initial hidden state `(batch, hiddens)`.
 * @param weightHH - Hidden-to-hidden weight `(3·hiddens, hiddens)` (PyTorch `weight_hh_l*`).
 * @param biasHH - Hidden-to-hidden bias `(3·hiddens)` (`bias_hh_l*`), or null for none.
 * @returns The hidden states `(steps, batch, hiddens)`; the last row is the final state.
 *   Differentiable in all four inputs (backpropagation through time).
 * @throws {@link InvalidArgumentError} if an argument is not a Tensor, or the tensors are not all
 *   float32 or all float64.
 * @throws {@link ShapeError} naming both shapes if `xGates` is not 3-D with a last axis of 3·hiddens,
 *   `h0` is not `(batch, hiddens)`, `weightHH` not `(3·hiddens, hiddens)` or `biasHH` not `(3·hiddens)`.
 * @remarks Why one op per layer instead of a graph per step: the per-step work is one product
 *   h·W_hhᵀ and one fused loop over the gates, and the backward needs no per-step slices of
 *   `xGates` (whose scatter-back would cost O(steps²)). The backward runs the steps in reverse
 *   with one product dh·W_hh per step and, after the loop, dW_hh = Σ_t dĥ_tᵀ·h_{t−1} as ONE product
 *   over all steps and rows. Gate values are computed in float64 and stored in the input dtype.
 * @see D2L §10.2 "Gated Recurrent Units (GRU)"; Cho et al. 2014; PyTorch `torch.nn.GRU`.
 * @example
 * ```ts
 * const out = gruRecurrence(zeros([5, 2, 12]), zeros([2, 4]), randn([12, 4]), zeros([12]));
 * out.shape; // [5, 2, 4]
 * ```
 */
export function gruRecurrence(
  xGates: Tensor,
  h0: Tensor,
  weightHH: Tensor,
  biasHH: Tensor | null = null,
): Tensor {
  const op = 'gruRecurrence';
  expectTensor(op, xGates, 'xGates');
  expectTensor(op, h0, 'h0');
  expectTensor(op, weightHH, 'weightHH');
  if (biasHH !== null) expectTensor(op, biasHH, 'biasHH');
  if (weightHH.ndim !== 2 || weightHH.shape[0] !== 3 * weightHH.shape[1]!) {
    throw new ShapeError(
      `${op}: weightHH must have shape (3·hiddens, hiddens); got ${formatShape(weightHH.shape)}.`,
    );
  }
  const h = weightHH.shape[1]!;
  if (xGates.ndim !== 3 || xGates.shape[2] !== 3 * h) {
    throw new ShapeError(
      `${op}: xGates must have shape (steps, batch, ${3 * h}) for weightHH ${formatShape(weightHH.shape)}; got ${formatShape(xGates.shape)}.`,
    );
  }
  const [steps, batch] = xGates.shape as [number, number, number];
  if (h0.ndim !== 2 || h0.shape[0] !== batch || h0.shape[1] !== h) {
    throw new ShapeError(
      `${op}: h0 must have shape (${batch}, ${h}) for xGates ${formatShape(xGates.shape)}; got ${formatShape(h0.shape)}.`,
    );
  }
  if (biasHH !== null && (biasHH.ndim !== 1 || biasHH.shape[0] !== 3 * h)) {
    throw new ShapeError(`${op}: biasHH must have shape (${3 * h}); got ${formatShape(biasHH.shape)}.`);
  }
  const dtype: DType = xGates.dtype;
  const all = biasHH === null ? [xGates, h0, weightHH] : [xGates, h0, weightHH, biasHH];
  if (!isFloating(dtype) || all.some((t) => t.dtype !== dtype)) {
    throw new InvalidArgumentError(
      `${op}: xGates, h0, weightHH and biasHH must all be float32 or all float64; got ${all.map((t) => t.dtype).join(', ')}.`,
    );
  }

  const xc = xGates.contiguous();
  const hc = h0.contiguous();
  const bc = biasHH?.contiguous() ?? null;
  const w = stackOf(weightHH.nd, true, true); // W_hh (3h × h)
  const wT = transposed(w);
  const rowSize = batch * h;
  const out = allocate(dtype, steps * rowSize);
  const saved = {
    r: allocate(dtype, steps * rowSize),
    z: allocate(dtype, steps * rowSize),
    n: allocate(dtype, steps * rowSize),
    hn: allocate(dtype, steps * rowSize),
  };
  const hg = allocate(dtype, batch * 3 * h);
  const prevOf = (t: number): [TypedArray, number] =>
    t === 0 ? [hc.nd.data, hc.nd.offset] : [out, (t - 1) * rowSize];
  for (let t = 0; t < steps; t++) {
    const [prev, po] = prevOf(t);
    // hg = h·W_hhᵀ: (batch × h)·(h × 3h); the bias is added inside the gate loop.
    product(hg, { data: prev, offset: po, rowStride: h, colStride: 1 }, wT, batch, 3 * h, h);
    gruGatesKernel(
      out,
      t * rowSize,
      saved,
      t * rowSize,
      xc.nd.data,
      xc.nd.offset + t * batch * 3 * h,
      hg,
      bc?.nd.data ?? null,
      bc?.nd.offset ?? 0,
      prev,
      po,
      batch,
      h,
    );
  }
  const outputs = fromData(out, [steps, batch, h], dtype);

  return record(op, outputs, all, (g) => {
    const gc = g.contiguous();
    const gd = gc.nd.data;
    const go = gc.nd.offset;
    const dh = new Float64Array(rowSize);
    const dxg = allocate(dtype, steps * batch * 3 * h);
    const dhg = allocate(dtype, steps * batch * 3 * h);
    const tmp = allocate(dtype, rowSize);
    for (let t = steps - 1; t >= 0; t--) {
      for (let i = 0; i < rowSize; i++) dh[i]! += gd[go + t * rowSize + i]!;
      const [prev, po] = prevOf(t);
      gruGatesBackwardKernel(dxg, dhg, t * batch * 3 * h, dh, saved, t * rowSize, prev, po, batch, h);
      // dh_{t−1} = dh_t·z (done in the kernel) + dĥ_t·W_hh: (batch × 3h)·(3h × h).
      if (t > 0 || h0.requiresGrad) {
        const dhgT: Strided = { data: dhg, offset: t * batch * 3 * h, rowStride: 3 * h, colStride: 1 };
        product(tmp, dhgT, w, batch, h, 3 * h);
        for (let i = 0; i < rowSize; i++) dh[i]! += tmp[i]!;
      }
    }
    const grads: (Tensor | null)[] = [
      xGates.requiresGrad ? fromData(dxg, xGates.shape, dtype) : null,
      h0.requiresGrad ? rounded(dh, h0.shape, dtype) : null,
      null,
    ];
    const rows = steps * batch;
    if (weightHH.requiresGrad) {
      // The states each step read: h0, then the outputs of steps 0 … steps−2.
      const prevAll = allocate(dtype, rows * h);
      if (steps > 0) {
        prevAll.set(hc.nd.data.subarray(hc.nd.offset, hc.nd.offset + rowSize));
        prevAll.set(out.subarray(0, (steps - 1) * rowSize), rowSize);
      }
      // dW_hh = Σ_t dĥ_tᵀ·h_{t−1}: one (3h × rows)·(rows × h) product.
      const dw = allocate(dtype, 3 * h * h);
      const dhgAll: Strided = { data: dhg, offset: 0, rowStride: 1, colStride: 3 * h };
      product(dw, dhgAll, { data: prevAll, offset: 0, rowStride: h, colStride: 1 }, 3 * h, h, rows);
      grads[2] = fromData(dw, weightHH.shape, dtype);
    }
    if (biasHH !== null) {
      let db: Tensor | null = null;
      if (biasHH.requiresGrad) {
        const acc = new Float64Array(3 * h);
        for (let r = 0; r < rows; r++) {
          for (let j = 0, p = r * 3 * h; j < 3 * h; j++) acc[j]! += dhg[p + j]!;
        }
        db = rounded(acc, biasHH.shape, dtype);
      }
      grads.push(db);
    }
    return grads;
  });
}

/** out (m × n, row-major) = A·B; a fresh zero output needs no call when a size is 0. */
function product(out: TypedArray, a: Strided, b: Strided, m: number, n: number, k: number): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    out.fill(0, 0, m * n);
    return;
  }
  gemm(out, a, b, m, n, k);
}

/** A float64 accumulator as a tensor of `dtype` (rounded once). */
function rounded(acc: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, acc.length);
  data.set(acc);
  return fromData(data, shape, dtype);
}
