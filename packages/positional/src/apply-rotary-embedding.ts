import {
  checkOptions,
  createView,
  embedding,
  formatShape,
  fromNdarray,
  InvalidArgumentError,
  reshape,
  rotary,
  ShapeError,
  type Tensor,
} from '@attnkit/tensor';
import { checkBase, checkFloating } from './internal/check.js';
import { inverseFrequencies } from './internal/frequencies.js';

/** Options of {@link applyRotaryEmbedding}. */
export interface ApplyRotaryEmbeddingOptions {
  /** int32 position of each step, `(positions)` or `(batch, positions)`; default offset + arange(positions). */
  positions?: Tensor;
  /** Position of the first step when `positions` is omitted (default 0): tokens already in the cache. */
  offset?: number;
  /** Frequency base b of θ_j = b^(−2j/rotaryDim) (default 10000); ignored when tables are given. */
  base?: number;
  /** Number of leading features rotated, even (default: headDim, or twice the tables' width). */
  rotaryDim?: number;
  /** Rotate pairs (x_2j, x_2j+1) (the paper, GPT-J) instead of (x_j, x_j+r/2) (GPT-NeoX, LLaMA); default false. */
  interleaved?: boolean;
  /** Precomputed cos table `(maxPos, rotaryDim / 2)` from {@link rotaryTables}; give `sin` too. */
  cos?: Tensor;
  /** Precomputed sin table `(maxPos, rotaryDim / 2)` from {@link rotaryTables}; give `cos` too. */
  sin?: Tensor;
}

/**
 * Rotary position embedding (RoPE): rotates each pair of features of the vector at position m by
 * the angle m·θ_j, θ_j = base^(−2j/r), so that ⟨RoPE(q, m), RoPE(k, n)⟩ depends only on m − n.
 *
 * Shapes: x (..., positions, headDim), positions (positions) | (batch, positions) -> (..., positions, headDim)
 *
 * Pair j is (x_j, x_{j+r/2}) in the default half-split layout ("rotate_half": GPT-NeoX, LLaMA, HF,
 * keras-hub) and (x_{2j}, x_{2j+1}) with `interleaved: true` (the paper, GPT-J, ONNX
 * `interleaved=1`); each pair (a, b) becomes (a·cos mθ_j − b·sin mθ_j, b·cos mθ_j + a·sin mθ_j).
 * Features from `rotaryDim` on pass through unchanged (partial rotary, GPT-NeoX `rotary_pct`).
 *
 * @param x - Queries or keys per head, e.g. `(batch, heads, positions, headDim)`, float32/float64.
 * @param options - `positions` or `offset`, `base`, `rotaryDim`, `interleaved`, or tables `cos`/`sin`.
 * @returns A new tensor of x's shape (dtype promoted with the tables'), differentiable in x.
 * @throws {@link InvalidArgumentError} if x is not float32/float64.
 * @throws {@link ShapeError} if x has fewer than 2 axes.
 * @throws {@link InvalidArgumentError} if `rotaryDim` is not an even integer ≥ 2.
 * @throws {@link InvalidArgumentError} if `rotaryDim` exceeds headDim.
 * @throws {@link InvalidArgumentError} if only one of `cos` and `sin` is given, or `base` is not a finite number > 0.
 * @throws {@link ShapeError} if `cos` and `sin` are not both `(maxPos, rotaryDim / 2)`.
 * @throws {@link InvalidArgumentError} if `positions` is not int32, has a negative entry, or is given together with `offset`.
 * @throws {@link ShapeError} if `positions` is neither `(positions)` nor `(batch, positions)` matching x
 *   (a 2-D `positions` needs x of rank ≥ 3 with batch first).
 * @throws {@link InvalidArgumentError} if `offset` is not an integer ≥ 0.
 * @throws {@link InvalidArgumentError} if a position is beyond the tables (≥ maxPos).
 * @remarks Applies the fused `rotary` op of @attnkit/tensor (one pass over x forward and one
 *   backward), whose gradient is the inverse rotation of the output gradient, Rᵀ·g = R(−mθ)·g, and
 *   flows into precomputed tables that require gradients. Without tables the angles are computed
 *   for the given positions in float64 and their cosines and sines stored in x's dtype; the tables
 *   of the default positions (`offset` …) are cached, the 32 most recent, since every attention
 *   layer of a step asks for the same ones.
 * @see Su et al. 2021 (RoFormer), eq. 34; HF `apply_rotary_pos_emb`; ONNX `RotaryEmbedding`.
 * @example
 * ```ts
 * const queries = randn([1, 2, 4, 8]); // (batch, heads, positions, headDim)
 * const q = applyRotaryEmbedding(queries); // positions 0 … 3
 * const queryStep = randn([1, 2, 1, 8]);
 * const qNext = applyRotaryEmbedding(queryStep, { offset: 4 }); // position 4, after 4 cached
 * ```
 */
export function applyRotaryEmbedding(x: Tensor, options: ApplyRotaryEmbeddingOptions = {}): Tensor {
  const op = 'applyRotaryEmbedding';
  checkOptions(op, options, {
    positions: 'tensor',
    offset: 'number',
    base: 'number',
    rotaryDim: 'number',
    interleaved: 'boolean',
    cos: 'tensor',
    sin: 'tensor',
  });
  checkFloating(op, 'x', x);
  if (x.ndim < 2) {
    throw new ShapeError(`${op}: x must have shape (..., positions, headDim); got ${formatShape(x.shape)}.`);
  }
  const steps = x.shape[x.ndim - 2]!;
  const headDim = x.shape[x.ndim - 1]!;
  const tables = checkTables(op, options);
  const r = options.rotaryDim ?? (tables === null ? headDim : 2 * tables.cos.shape[1]!);
  if (!Number.isInteger(r) || r < 2 || r % 2 !== 0) {
    throw new InvalidArgumentError(`${op}: rotaryDim must be an even integer ≥ 2; got ${r}.`);
  }
  if (r > headDim) {
    throw new InvalidArgumentError(`${op}: rotaryDim must be at most headDim ${headDim}; got ${r}.`);
  }
  const half = r / 2;
  if (tables !== null && tables.cos.shape[1] !== half) {
    throw new ShapeError(
      `${op}: cos and sin must have shape (maxPos, ${half}) for rotaryDim ${r}; got ${formatShape(tables.cos.shape)}.`,
    );
  }
  const pos = resolvePositions(op, x, steps, options, tables === null ? null : tables.cos.shape[0]!);

  // cos/sin of every position's angles, (positions) + (half) or (batch, positions) + (half).
  let cos: Tensor;
  let sin: Tensor;
  if (tables === null) {
    [cos, sin] = anglesFor(pos, half, r, checkBase(op, options.base ?? 10000), x.dtype === 'float64');
  } else {
    const index = fromNdarray(createView(pos.values, pos.shape));
    cos = embedding(index, tables.cos);
    sin = embedding(index, tables.sin);
  }
  if (pos.shape.length === 2 && x.ndim > 3) {
    // (batch, positions, half) -> (batch, 1, …, 1, positions, half) to broadcast over heads.
    const shape = [pos.shape[0]!, ...new Array<number>(x.ndim - 3).fill(1), steps, half];
    cos = reshape(cos, shape);
    sin = reshape(sin, shape);
  }

  // RoFormer eq. 34 on the first r features, (a, b) -> (a cos mθ − b sin mθ, b cos mθ + a sin mθ),
  // the rest passed through: one fused pass each way (see `rotary` of @attnkit/tensor).
  return rotary(x, cos, sin, { interleaved: options.interleaved ?? false });
}

interface Positions {
  /** Row-major int32 positions. */
  readonly values: Int32Array;
  /** `(positions)` or `(batch, positions)`. */
  readonly shape: number[];
  /** True for the default positions offset … offset + steps − 1 (their tables are cached). */
  readonly range: boolean;
}

function checkTables(op: string, options: ApplyRotaryEmbeddingOptions): { cos: Tensor; sin: Tensor } | null {
  const { cos, sin } = options;
  if (cos === undefined && sin === undefined) return null;
  if (cos === undefined || sin === undefined) {
    throw new InvalidArgumentError(
      `${op}: cos and sin must be given together; got only ${cos ? 'cos' : 'sin'}.`,
    );
  }
  if (cos.ndim !== 2 || formatShape(cos.shape) !== formatShape(sin.shape)) {
    throw new ShapeError(
      `${op}: cos and sin must both have shape (maxPos, rotaryDim / 2); got cos ${formatShape(cos.shape)} and sin ${formatShape(sin.shape)}.`,
    );
  }
  return { cos, sin };
}

function resolvePositions(
  op: string,
  x: Tensor,
  steps: number,
  options: ApplyRotaryEmbeddingOptions,
  maxPos: number | null,
): Positions {
  const { positions, offset } = options;
  let values: Int32Array;
  let shape: number[];
  let range = true;
  if (positions !== undefined) {
    if (offset !== undefined) {
      throw new InvalidArgumentError(
        `${op}: give either positions or offset, not both; got offset ${offset}.`,
      );
    }
    if (positions.dtype !== 'int32') {
      throw new InvalidArgumentError(`${op}: positions must have dtype int32; got ${positions.dtype}.`);
    }
    const batched = positions.ndim === 2 && x.ndim >= 3 && positions.shape[0] === x.shape[0];
    if (!(positions.ndim === 1 || batched) || positions.shape[positions.ndim - 1] !== steps) {
      const batch = x.ndim >= 3 ? ` or (${x.shape[0]}, ${steps})` : '';
      throw new ShapeError(
        `${op}: positions must have shape (${steps})${batch}; got ${formatShape(positions.shape)}.`,
      );
    }
    values = Int32Array.from(positions.toTypedArray());
    shape = positions.shape.slice();
    range = false;
  } else {
    const start = offset ?? 0;
    if (!Number.isInteger(start) || start < 0) {
      throw new InvalidArgumentError(`${op}: offset must be an integer ≥ 0; got ${start}.`);
    }
    values = new Int32Array(steps);
    for (let i = 0; i < steps; i++) values[i] = start + i;
    shape = [steps];
  }
  for (let i = 0; i < values.length; i++) {
    const p = values[i]!;
    if (p < 0) throw new InvalidArgumentError(`${op}: positions must be ≥ 0; got ${p} at flat index ${i}.`);
    if (maxPos !== null && p >= maxPos) {
      throw new InvalidArgumentError(
        `${op}: position ${p} (flat index ${i}) is beyond the tables; cos and sin have ${maxPos} rows.`,
      );
    }
  }
  return { values, shape, range };
}

/**
 * Tables of the default positions, by (offset, steps, half, rotaryDim, base, dtype): a training
 * step asks for the same ones in every attention layer (the main model's 8,192 Math.cos/sin calls
 * were 0.3% of its step), as PyTorch implementations cache them. Never written after they are
 * filled; the oldest entry goes once there are {@link CACHED_TABLES} (token-by-token decoding asks
 * for a new offset every step).
 */
const angleCache = new Map<string, [Float32Array | Float64Array, Float32Array | Float64Array]>();
const CACHED_TABLES = 32;

/** cos and sin of p·θ_j for every position p, in float64, stored as float64 or float32. */
function anglesFor(
  pos: Positions,
  half: number,
  r: number,
  base: number,
  float64: boolean,
): [Tensor, Tensor] {
  const key = pos.range ? `${pos.values[0] ?? 0},${pos.values.length},${half},${r},${base},${float64}` : null;
  let tables = key === null ? undefined : angleCache.get(key);
  if (tables === undefined) {
    const theta = inverseFrequencies(r, base);
    const n = pos.values.length * half;
    const cos = float64 ? new Float64Array(n) : new Float32Array(n);
    const sin = float64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < pos.values.length; i++) {
      const p = pos.values[i]!;
      for (let j = 0; j < half; j++) {
        cos[i * half + j] = Math.cos(p * theta[j]!);
        sin[i * half + j] = Math.sin(p * theta[j]!);
      }
    }
    tables = [cos, sin];
    if (key !== null) {
      if (angleCache.size >= CACHED_TABLES) angleCache.delete(angleCache.keys().next().value as string);
      angleCache.set(key, tables);
    }
  }
  const [cos, sin] = tables;
  const shape = [...pos.shape, half];
  return [fromNdarray(createView(cos, shape)), fromNdarray(createView(sin, shape))];
}
