import '../kernels/js/rotary.js';
import { record } from '../autograd/record.js';
import { allocate, type DType, isFloating, promoteTypes } from '../dtype.js';
import { formatShape, InvalidArgumentError, ShapeError } from '../errors.js';
import { emptyLike } from '../internal/dense-like.js';
import { expectTensor } from '../internal/unary.js';
import { backend } from '../kernels/registry.js';
import type { StridedView } from '../kernels/types.js';
import { contiguousStrides } from '../ndarray.js';
import { broadcastStrides, shapesEqual } from '../shape.js';
import { fromData, type Tensor } from '../tensor.js';
import { checkOptions } from '../validation/check-options.js';

/** Options of {@link rotary}. */
export interface RotaryOptions {
  /**
   * Pair (x_{2j}, x_{2j+1}) (RoFormer, GPT-J, ONNX `interleaved=1`) instead of (x_j, x_{j+half})
   * (GPT-NeoX, LLaMA, HF `rotate_half`); default false.
   */
  interleaved?: boolean;
}

/**
 * Rotary position embedding with given angles: rotates the first 2·half features of every row of x
 * pairwise by the angles whose cosines and sines are `cos` and `sin`; the other features pass through.
 *
 * Shapes: x (..., positions, d), cos (..., positions, half), sin like cos; 2·half ≤ d -> (..., positions, d)
 *
 * Pair j is (x_j, x_{j+half}) by default (GPT-NeoX, LLaMA, HF `apply_rotary_pos_emb`) and
 * (x_{2j}, x_{2j+1}) with `interleaved: true` (the paper, GPT-J); each pair (a, b) becomes
 * (a·cos_j − b·sin_j, b·cos_j + a·sin_j). cos and sin broadcast over x's leading axes, so
 * `(positions, half)` serves every batch and head and `(batch, 1, positions, half)` gives each
 * sequence its own positions.
 *
 * @param x - Queries or keys per head, e.g. `(batch, heads, positions, d)`, float32 or float64.
 * @param cos - cos mθ_j per position, `(..., positions, half)`, broadcastable to x's leading axes.
 * @param sin - sin mθ_j, the same shape as `cos`.
 * @param options - `interleaved` (default false).
 * @returns A new dense tensor of x's shape in the dtype promoted from x, cos and sin, stored in
 *   x's axis order (row-major for a contiguous x; (batch, n, heads, d) for the head-split view
 *   (batch, heads, n, d) of a projection, as PyTorch preserves the memory format), and so is its
 *   gradient in x; differentiable in x, and in cos and sin when they require gradients.
 * @throws {@link InvalidArgumentError} if `x`, `cos` or `sin` is not a Tensor.
 * @throws {@link InvalidArgumentError} if `x`, `cos` or `sin` is not float32/float64.
 * @throws {@link ShapeError} if `x` has no axes.
 * @throws {@link ShapeError} naming both shapes if `cos` and `sin` differ in shape.
 * @throws {@link ShapeError} if the last axis of `cos` (half) is 0 or more than half of d.
 * @throws {@link ShapeError} if the leading axes of `cos` do not broadcast to x's leading axes.
 * @remarks One fused op with a hand-written backward instead of the composite
 *   narrow/mul/sub/add/concat, for training speed: one pass over x forward and one backward. Each
 *   output is computed in float64 and rounded once. The gradient in x is the inverse rotation of
 *   the output gradient g, Rᵀg = R(−θ)g; in cos and sin it is Σ(g_a·a + g_b·b) and Σ(g_b·a − g_a·b)
 *   over the pairs' broadcast copies, accumulated in float64.
 * @see Su et al. 2021 (RoFormer), eq. 34; D2L §11.6 "Self-Attention and Positional Encoding"; HF
 *   `apply_rotary_pos_emb`; flash-attn `apply_rotary_emb(x, cos, sin, interleaved)`.
 * @example
 * ```ts
 * const theta = tensor([1, 0.01]); // θ_j = 10000^(−2j/4)
 * const angles = mul(unsqueeze(arange(8), 1), theta); // (positions, half) = (8, 2)
 * const q = rotary(randn([2, 4, 8, 4]), cos(angles), sin(angles)); // (batch, heads, positions, d)
 * ```
 */
export function rotary(x: Tensor, cos: Tensor, sin: Tensor, options: RotaryOptions = {}): Tensor {
  const op = 'rotary';
  const rowShape = checkInputs(op, x, cos, sin);
  const d = x.shape[x.ndim - 1]!;
  const half = cos.shape[cos.ndim - 1]!;
  checkOptions('rotary', options, { interleaved: 'boolean' });
  const interleaved = options.interleaved ?? false;
  const dtype: DType = promoteTypes(promoteTypes(x.dtype, cos.dtype), sin.dtype);

  // The kernel reads x through its strides: a head-split view (batch, heads, n, d) of the
  // projection (batch, n, heads·d) is rotated without a copy, and the output is stored in x's
  // axis order (batch, n, heads, d), as its gradient is: attention reads it in place and the
  // head merge after it, like the split's backward, needs no copy.
  const target = [...rowShape, half];
  const cv = broadcastView(cos, target);
  const sv = broadcastView(sin, target);
  const out = emptyLike(x, d, dtype, false, op);
  backend().rotary(out.nd, x.nd, cv, sv, rowShape, d, half, interleaved);

  return record(op, out, [x, cos, sin], (g) => {
    const wantsTables = cos.requiresGrad || sin.requiresGrad;
    // dCos and dSin need g and x as rows of d consecutive elements; dx alone reads g's strides.
    const gv = wantsTables ? g.contiguous().nd : g.nd;
    const xv = wantsTables ? x.contiguous().nd : x.nd;
    const dx = x.requiresGrad ? emptyLike(x, d, x.dtype, false, op) : null;
    const dCos = cos.requiresGrad ? new Float64Array(cos.numel()) : null;
    const dSin = sin.requiresGrad ? new Float64Array(sin.numel()) : null;
    // Accumulators are row-major in cos's shape, read with stride 0 on its broadcast axes.
    const accStride = broadcastStrides(cos.shape, contiguousStrides(cos.shape), target);
    backend().rotaryBackward(
      dx?.nd ?? null,
      dCos,
      dSin,
      accStride,
      gv,
      xv,
      cv,
      sv,
      rowShape,
      d,
      half,
      interleaved,
    );
    return [
      dx,
      dCos === null ? null : rounded(dCos, cos.shape, cos.dtype),
      dSin === null ? null : rounded(dSin, sin.shape, sin.dtype),
    ];
  });
}

/** Validates the inputs; returns x's leading shape (all axes but d). */
function checkInputs(op: string, x: Tensor, cos: Tensor, sin: Tensor): number[] {
  expectTensor(op, x);
  expectTensor(op, cos, 'cos');
  expectTensor(op, sin, 'sin');
  for (const [name, t] of [
    ['x', x],
    ['cos', cos],
    ['sin', sin],
  ] as const) {
    if (!isFloating(t.dtype)) {
      throw new InvalidArgumentError(`${op}: ${name} must have dtype float32 or float64; got ${t.dtype}.`);
    }
  }
  if (x.ndim < 1) {
    throw new ShapeError(`${op}: x must have shape (..., positions, d); got ${formatShape(x.shape)}.`);
  }
  if (!shapesEqual(cos.shape, sin.shape)) {
    throw new ShapeError(
      `${op}: cos and sin must have the same shape; got cos ${formatShape(cos.shape)} and sin ${formatShape(sin.shape)}.`,
    );
  }
  const d = x.shape[x.ndim - 1]!;
  const half = cos.ndim < 1 ? 0 : cos.shape[cos.ndim - 1]!;
  const maxHalf = Math.floor(d / 2);
  if (half < 1 || half > maxHalf) {
    throw new ShapeError(
      `${op}: cos must have shape (..., half) with 1 ≤ half ≤ ${maxHalf} (d = ${d}); got ${formatShape(cos.shape)}.`,
    );
  }
  const rowShape = x.shape.slice(0, -1);
  const lead = rowShape.length - (cos.ndim - 1);
  const broadcasts = lead >= 0 && cos.shape.slice(0, -1).every((n, i) => n === 1 || n === rowShape[lead + i]);
  if (!broadcasts) {
    throw new ShapeError(
      `${op}: cos must have shape broadcastable to ${formatShape([...rowShape, half])}; got ${formatShape(cos.shape)}.`,
    );
  }
  return rowShape;
}

/** `t` read as if of shape `target` (stride 0 on broadcast axes), without copying. */
function broadcastView(t: Tensor, target: readonly number[]): StridedView {
  return { data: t.nd.data, offset: t.nd.offset, stride: broadcastStrides(t.shape, t.nd.stride, target) };
}

/** A float64 accumulator as a tensor of `dtype` (rounded once). */
function rounded(acc: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  const data = allocate(dtype, acc.length);
  data.set(acc);
  return fromData(data, shape, dtype);
}
