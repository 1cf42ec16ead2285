import { checkOptions, formatShape, InvalidArgumentError, type Tensor, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { elements } from '../internal/elements.js';
import { formatNumber } from '../internal/format-number.js';
import { tensors } from '../tensors.js';

/** Constraints of {@link ropeRelativity}: head sizes, positions, element bounds and tolerance. */
export interface RopeRelativityConstraints {
  /** Largest number of rotated pairs; headDim = 2·pairs with pairs in [1, maxPairs]. Default 3. */
  maxPairs?: number;
  /** Largest position m, n before the shift; default 64. */
  maxPosition?: number;
  /** Largest shift s; default 64. */
  maxShift?: number;
  /** Element type of q and k; default `float32`. */
  dtype?: 'float32' | 'float64';
  /** Smallest element of q and k; default -1. */
  min?: number;
  /** Largest element of q and k; default 1. */
  max?: number;
  /** Absolute tolerance of the two scores' difference; default 1e-5. */
  atol?: number;
}

/**
 * A property: rotary embedding makes attention scores relative — for any q, k, positions m, n and
 * shift s, ⟨RoPE(q, m + s), RoPE(k, n + s)⟩ = ⟨RoPE(q, m), RoPE(k, n)⟩ (RoFormer eq. 16: the score
 * depends on m − n only).
 *
 * Shapes: x (2, headDim) (rows q and k), positions (2) int32 -> applyRope(x, positions) (2, headDim)
 *
 * @param applyRope - The rotary embedding under test, applied to each row at its position.
 * @param constraints - `maxPairs`, `maxPosition`, `maxShift`, `dtype`, `min`, `max`, `atol`.
 * @returns A fast-check property over `[x, m, n, s]`, to run with `fc.assert` or `fc.check`.
 * @throws {@link InvalidArgumentError} if `maxPairs` is not an integer ≥ 1, `maxPosition` or
 *   `maxShift` is not an integer ≥ 0, the element bounds are invalid (see {@link tensors}), or
 *   `atol` is negative.
 * @remarks Holds for either pairing (half-split or interleaved) and any frequencies, so it checks
 *   the structure (a rotation whose angle is linear in the position), not the frequency values.
 *   Scores are summed in float64 from the returned values; with float32 tables the rotations are
 *   orthogonal only to ~1e-7, which the default `atol` for q, k in [−1, 1] absorbs.
 * @see Su et al. 2021 (RoFormer), eq. 16 and 34.
 * @example
 * ```ts
 * fc.assert(ropeRelativity((x, positions) => applyRotaryEmbedding(x, { positions })));
 * ```
 */
export function ropeRelativity(
  applyRope: (x: Tensor, positions: Tensor) => Tensor,
  constraints: RopeRelativityConstraints = {},
): fc.IProperty<[[Tensor, number, number, number]]> {
  checkOptions(
    'ropeRelativity',
    constraints,
    {
      maxPairs: 'number',
      maxPosition: 'number',
      maxShift: 'number',
      dtype: 'string',
      min: 'number',
      max: 'number',
      atol: 'number',
    },
    { argument: 'constraints' },
  );
  const op = 'ropeRelativity';
  const { maxPairs = 3, maxPosition = 64, maxShift = 64, dtype = 'float32', min = -1, max = 1 } = constraints;
  const { atol = 1e-5 } = constraints;
  for (const [name, value, least] of [
    ['maxPairs', maxPairs, 1],
    ['maxPosition', maxPosition, 0],
    ['maxShift', maxShift, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < least) {
      throw new InvalidArgumentError(`${op}: ${name} must be an integer ≥ ${least}; got ${value}.`);
    }
  }
  if (!(atol >= 0)) throw new InvalidArgumentError(`${op}: atol must be ≥ 0; got ${atol}.`);
  elements(op, dtype, min, max); // validates the bounds now, naming this property
  const position = fc.integer({ min: 0, max: maxPosition });
  const inputs = fc
    .integer({ min: 1, max: maxPairs })
    .chain((pairs) =>
      fc.tuple(
        tensors({ shape: [2, 2 * pairs], dtype, min, max }),
        position,
        position,
        fc.integer({ min: 0, max: maxShift }),
      ),
    );
  return fc.property(inputs, ([x, m, n, s]) => {
    const before = score(op, applyRope, x, m, n);
    const after = score(op, applyRope, x, m + s, n + s);
    if (!(Math.abs(before - after) <= atol)) {
      throw new Error(
        `${op}: ⟨RoPE(q, m + s), RoPE(k, n + s)⟩ must equal ⟨RoPE(q, m), RoPE(k, n)⟩ within ${formatNumber(atol)}; ` +
          `at headDim ${x.shape[1]}, m = ${m}, n = ${n}, s = ${s}: ${after} vs ${before}.`,
      );
    }
  });
}

/** ⟨RoPE(q, m), RoPE(k, n)⟩ in float64, for x = [q; k]. */
function score(
  op: string,
  applyRope: (x: Tensor, positions: Tensor) => Tensor,
  x: Tensor,
  m: number,
  n: number,
): number {
  const y = applyRope(x, tensor([m, n], { dtype: 'int32' }));
  if (formatShape(y.shape) !== formatShape(x.shape)) {
    throw new Error(`${op}: output must have shape ${formatShape(x.shape)}; got ${formatShape(y.shape)}.`);
  }
  const v = y.toTypedArray();
  const d = x.shape[1]!;
  let s = 0;
  for (let c = 0; c < d; c++) s += v[c]! * v[d + c]!;
  return s;
}
