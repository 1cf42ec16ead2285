import {
  checkOptions,
  createView,
  formatShape,
  fromNdarray,
  InvalidArgumentError,
  indexSelect,
  ShapeError,
  type Tensor,
} from '@attnkit/tensor';
import { checkCount, checkEven } from './internal/check.js';

/** A RoPE pairing: `interleaved` pairs (x_2j, x_2j+1), `half` pairs (x_j, x_j+d/2). */
export type RotaryLayout = 'interleaved' | 'half';

/** Options of {@link permuteRotaryWeights}. */
export interface PermuteRotaryWeightsOptions {
  /** Number of heads whose rows are stacked in the weight. */
  numHeads: number;
  /** Features per head, even. */
  headDim: number;
  /** Layout the weight was trained with. */
  from: RotaryLayout;
  /** Layout it will be used with. */
  to: RotaryLayout;
}

/**
 * Reorders the output rows of a query or key projection so that a model trained with one RoPE
 * layout gives identical attention scores with the other (the HF LLaMA checkpoint conversion).
 *
 * Shapes: weight (numHeads·headDim, in) | bias (numHeads·headDim) -> same shape
 *
 * Within each head, interleaved feature 2j + k (k ∈ {0, 1}) becomes half-split feature k·headDim/2 + j,
 * so the pair (2j, 2j + 1) that the interleaved layout rotates by θ_j lands on (j, j + headDim/2),
 * which the half layout rotates by the same θ_j. Then RoPE_to(P·q) = P·RoPE_from(q) and
 * (P·q)·(P·k) = q·k for the row permutation P.
 *
 * @param weight - W_q or W_k in PyTorch layout `(out, in)` with out = numHeads·headDim, or its bias.
 * @param options - `numHeads`, `headDim`, `from`, `to`.
 * @returns A new tensor with permuted rows (differentiable), or `weight` itself when `from === to`.
 * @throws {@link InvalidArgumentError} if `numHeads` is not an integer ≥ 1, `headDim` is not an even
 *   integer ≥ 2, or `from`/`to` is not `'interleaved'` or `'half'`.
 * @throws {@link ShapeError} if `weight` is not `(numHeads·headDim, in)` or `(numHeads·headDim)`.
 * @remarks Apply it to W_q and W_k (and their biases) only; W_v and W_o are unaffected. Every
 *   head's features must all be rotated (no partial rotary).
 * @see HF `transformers/models/llama/convert_llama_weights_to_hf.py` (`permute`); Su et al. 2021, eq. 34.
 * @example
 * ```ts
 * const metaWq = randn([2 * 8, 16]); // (numHeads·headDim, in), pairs interleaved as in Meta's LLaMA
 * const Wq = permuteRotaryWeights(metaWq, { numHeads: 2, headDim: 8, from: 'interleaved', to: 'half' });
 * ```
 */
export function permuteRotaryWeights(weight: Tensor, options: PermuteRotaryWeightsOptions): Tensor {
  const op = 'permuteRotaryWeights';
  checkOptions(
    op,
    options,
    { numHeads: 'number', headDim: 'number', from: 'string', to: 'string' },
    { required: true },
  );
  const numHeads = checkCount(op, 'numHeads', options.numHeads, 1);
  const headDim = checkEven(op, 'headDim', options.headDim);
  for (const key of ['from', 'to'] as const) {
    const layout = options[key];
    if (layout !== 'interleaved' && layout !== 'half') {
      throw new InvalidArgumentError(`${op}: ${key} must be 'interleaved' or 'half'; got ${String(layout)}.`);
    }
  }
  const out = numHeads * headDim;
  if ((weight.ndim !== 1 && weight.ndim !== 2) || weight.shape[0] !== out) {
    throw new ShapeError(
      `${op}: weight must have shape (${out}, in) or (${out}) for ${numHeads} heads of ${headDim}; got ${formatShape(weight.shape)}.`,
    );
  }
  if (options.from === options.to) return weight;
  const half = headDim / 2;
  const index = new Int32Array(out);
  for (let h = 0; h < numHeads; h++) {
    for (let j = 0; j < half; j++) {
      for (let k = 0; k < 2; k++) {
        const interleaved = h * headDim + 2 * j + k;
        const split = h * headDim + k * half + j;
        // Row `new` of the result is row index[new] of the input.
        if (options.to === 'half') index[split] = interleaved;
        else index[interleaved] = split;
      }
    }
  }
  return indexSelect(weight, 0, fromNdarray(createView(index, [out])));
}
