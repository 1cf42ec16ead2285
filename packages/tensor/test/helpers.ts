/**
 * Test helpers for the ops of @attnkit/tensor: fast-check arbitraries of small shapes and values,
 * explicit-loop references (broadcasting, reductions, lanes), strided (non-contiguous) inputs, and
 * the tolerances and inputs that adapt these tests to `expectClose` and `checkGradients` of
 * @attnkit/testing. Test-only: not part of the package build.
 */
import {
  type CheckGradientsOptions,
  checkGradients,
  type ExpectCloseOptions,
  expectClose,
} from '@attnkit/testing';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { DType } from '../src/dtype.js';
import { createView } from '../src/ndarray.js';
import { fromNdarray, tensor } from '../src/ops/creation.js';
import { permute } from '../src/ops/permute.js';
import { reshape } from '../src/ops/reshape.js';
import { slice } from '../src/ops/slice.js';
import { broadcastShapes, shapeSize } from '../src/shape.js';
import type { Tensor } from '../src/tensor.js';

/** Doubles in [min, max] (no NaN, no infinities). */
export function finite(min: number, max: number): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Doubles with |x| in [lo, hi]: keeps samples away from a kink or pole at 0. */
export function awayFromZero(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.tuple(finite(lo, hi), fc.boolean()).map(([m, neg]) => (neg ? -m : m));
}

/** `n` distinct multiples of 1/4 in [-10, 10]: no ties, and gaps far above a finite-difference step. */
export function distinctValues(n: number): fc.Arbitrary<number[]> {
  return fc
    .uniqueArray(fc.integer({ min: -40, max: 40 }), { minLength: n, maxLength: n })
    .map((v) => v.map((k) => k / 4));
}

/** A shape of rank ≤ 3 with sides in [1, 4]. */
export function smallShape(minRank = 0): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: 4 }), { minLength: minRank, maxLength: 3 });
}

/** `shape` paired with `shapeSize(shape)` values drawn from `values`. */
export function withValues(
  shape: fc.Arbitrary<number[]>,
  values: fc.Arbitrary<number>,
): fc.Arbitrary<{ shape: number[]; values: number[] }> {
  return shape.chain((s) =>
    fc
      .array(values, { minLength: shapeSize(s), maxLength: shapeSize(s) })
      .map((v) => ({ shape: s, values: v })),
  );
}

/**
 * `count` shapes that broadcast together: rank ≤ 3, sides ≤ 4, each with some axes set to 1 and
 * some leading axes dropped.
 */
export function broadcastableShapes(count: number): fc.Arbitrary<number[][]> {
  return fc
    .integer({ min: 0, max: 3 })
    .chain((rank) =>
      fc
        .tuple(
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank }),
          fc.array(
            fc.tuple(
              fc.array(fc.boolean(), { minLength: rank, maxLength: rank }),
              fc.integer({ min: 0, max: rank }),
            ),
            { minLength: count, maxLength: count },
          ),
        )
        .map(([base, variants]) =>
          variants.map(([ones, drop]) => base.map((d, i) => (ones[i] ? 1 : d)).slice(drop)),
        ),
    );
}

/** Two shapes that broadcast together (see {@link broadcastableShapes}). */
export function broadcastablePair(): fc.Arbitrary<[number[], number[]]> {
  return broadcastableShapes(2).map(([a, b]): [number[], number[]] => [a!, b!]);
}

/** A shape of rank ≤ 3 and a second shape that broadcasts to it (axes set to 1, leading axes dropped). */
export function shapeAndBroadcastable(): fc.Arbitrary<[number[], number[]]> {
  return fc
    .integer({ min: 0, max: 3 })
    .chain((rank) =>
      fc
        .tuple(
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank }),
          fc.array(fc.boolean(), { minLength: rank, maxLength: rank }),
          fc.integer({ min: 0, max: rank }),
        )
        .map(([shape, ones, drop]): [number[], number[]] => [
          shape,
          shape.map((d, i) => (ones[i] ? 1 : d)).slice(drop),
        ]),
    );
}

/** A broadcastable pair of shapes with values for each. */
export function broadcastableOperands(
  values: fc.Arbitrary<number>,
  valuesB: fc.Arbitrary<number> = values,
): fc.Arbitrary<{ shapeA: number[]; a: number[]; shapeB: number[]; b: number[] }> {
  return broadcastablePair().chain(([shapeA, shapeB]) =>
    fc
      .tuple(
        fc.array(values, { minLength: shapeSize(shapeA), maxLength: shapeSize(shapeA) }),
        fc.array(valuesB, { minLength: shapeSize(shapeB), maxLength: shapeSize(shapeB) }),
      )
      .map(([a, b]) => ({ shapeA, a, shapeB, b })),
  );
}

/** One reduction case: a row-major `values` of `shape`, the axes to reduce (none: all), keepDim. */
export interface ReduceCase {
  shape: number[];
  values: number[];
  /** Axes as the op receives them (possibly negative, any order); undefined reduces all. */
  axis: number[] | undefined;
  keepDim: boolean;
  /** Build the input as a column-major strided view instead of a contiguous tensor. */
  strided: boolean;
}

/** Reduction cases over {@link smallShape}; `valuesOf(n)` draws the n elements. */
export function reduceCases(valuesOf: (n: number) => fc.Arbitrary<number[]>): fc.Arbitrary<ReduceCase> {
  return smallShape().chain((shape) => {
    const nd = shape.length;
    const all = Array.from({ length: nd }, (_, i) => i);
    const axes = fc
      .tuple(fc.shuffledSubarray(all), fc.array(fc.boolean(), { minLength: nd, maxLength: nd }))
      .map(([picked, negative]) => picked.map((a) => (negative[a] ? a - nd : a)));
    return fc.record({
      shape: fc.constant(shape),
      values: valuesOf(shapeSize(shape)),
      axis: fc.option(axes, { nil: undefined }),
      keepDim: fc.boolean(),
      strided: fc.boolean(),
    });
  });
}

/** The options object of a case (no `axis` key when it reduces all axes). */
export function optionsOf(c: ReduceCase): { axis?: number[]; keepDim: boolean } {
  return c.axis === undefined ? { keepDim: c.keepDim } : { axis: c.axis, keepDim: c.keepDim };
}

/** One lane case (softmax, logSoftmax): values of a shape of rank ≥ 1 and one axis of it. */
export interface LaneCase {
  shape: number[];
  values: number[];
  /** Possibly negative. */
  axis: number;
  strided: boolean;
}

/** Lane cases over {@link smallShape} of rank ≥ 1; `valuesOf(n)` draws the n elements. */
export function laneCases(valuesOf: (n: number) => fc.Arbitrary<number[]>): fc.Arbitrary<LaneCase> {
  return smallShape(1).chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      values: valuesOf(shapeSize(shape)),
      axis: fc.integer({ min: -shape.length, max: shape.length - 1 }),
      strided: fc.boolean(),
    }),
  );
}

/**
 * A non-contiguous tensor holding `values` (row-major) of `shape`: stored column-major after one
 * padding element, so kernels must take their strided paths.
 */
export function stridedTensor(
  values: readonly number[],
  shape: readonly number[],
  dtype: DType = 'float32',
): Tensor {
  const n = shapeSize(shape);
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let d = 0; d < shape.length; d++) {
    stride[d] = s;
    s *= shape[d]!;
  }
  const storage = tensor(new Array<number>(n + 1).fill(-7), { dtype })
    .toTypedArray()
    .slice();
  for (let k = 0; k < n; k++) {
    let p = 1;
    unravel(k, shape).forEach((i, d) => {
      p += i * stride[d]!;
    });
    storage[p] = values[k]!;
  }
  return fromNdarray(createView(storage, shape, stride, 1));
}

/** The input tensor of a case, contiguous or strided. */
export function caseTensor(c: ReduceCase | LaneCase, dtype: DType = 'float64'): Tensor {
  return c.strided ? stridedTensor(c.values, c.shape, dtype) : tensor(c.values, { shape: c.shape, dtype });
}

/** Multi-index of row-major position `k` in `shape`. */
export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

/**
 * Explicit-loop reduction: groups the elements of `values` (row-major, `shape`) by output position
 * and applies `f` to each group in row-major order. `axis` may be negative; undefined means all.
 */
export function referenceReduce(
  shape: readonly number[],
  values: readonly number[],
  axis: readonly number[] | undefined,
  keepDim: boolean,
  f: (group: number[]) => number,
): { shape: number[]; values: number[] } {
  const nd = shape.length;
  const reduced = new Set((axis ?? shape.map((_, i) => i)).map((a) => (a < 0 ? a + nd : a)));
  const kept = shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: shapeSize(kept) }, () => []);
  values.forEach((v, k) => {
    let o = 0;
    unravel(k, shape).forEach((i, d) => {
      o = o * kept[d]! + (reduced.has(d) ? 0 : i);
    });
    groups[o]!.push(v);
  });
  return {
    shape: keepDim ? kept : shape.filter((_, i) => !reduced.has(i)),
    values: groups.map(f),
  };
}

/**
 * Explicit-loop map over lanes: applies `f` to every 1-D lane of `values` (row-major, `shape`) along
 * `axis` and scatters the results back to their positions.
 */
export function referenceLanes(
  shape: readonly number[],
  values: readonly number[],
  axis: number,
  f: (lane: number[]) => number[],
): number[] {
  const ax = axis < 0 ? axis + shape.length : axis;
  const lanes = new Map<string, number[]>();
  values.forEach((_, k) => {
    const idx = unravel(k, shape);
    idx[ax] = 0;
    const key = idx.join(',');
    lanes.set(key, [...(lanes.get(key) ?? []), k]);
  });
  const out = new Array<number>(values.length);
  for (const positions of lanes.values()) {
    const result = f(positions.map((k) => values[k]!));
    positions.forEach((k, j) => {
      out[k] = result[j]!;
    });
  }
  return out;
}

/** Row-major index into an array of `shape` for the output multi-index `idx` (broadcast on extent 1). */
function sourceIndex(shape: readonly number[], idx: readonly number[]): number {
  const lead = idx.length - shape.length;
  let flat = 0;
  for (let d = 0; d < shape.length; d++) {
    const extent = shape[d]!;
    flat = flat * extent + (extent === 1 ? 0 : idx[lead + d]!);
  }
  return flat;
}

/** Explicit loop over broadcast output indices: `f(a[...], b[...])` in float64, row-major. */
export function broadcastReference(
  shapeA: readonly number[],
  a: ArrayLike<number>,
  shapeB: readonly number[],
  b: ArrayLike<number>,
  f: (x: number, y: number) => number,
): { shape: number[]; values: number[] } {
  return broadcastReferenceAll(
    [
      { shape: shapeA, values: a },
      { shape: shapeB, values: b },
    ],
    (xs) => f(xs[0]!, xs[1]!),
  );
}

/** Explicit loop over the broadcast indices of any number of operands: `f([x0, x1, ...])`. */
export function broadcastReferenceAll(
  operands: readonly { shape: readonly number[]; values: ArrayLike<number> }[],
  f: (xs: number[]) => number,
): { shape: number[]; values: number[] } {
  const shape = operands.reduce<number[]>((s, o) => broadcastShapes('reference', s, o.shape), []);
  const n = shapeSize(shape);
  const values: number[] = [];
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let rest = k;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    values.push(f(operands.map((o) => o.values[sourceIndex(o.shape, idx)]!)));
  }
  return { shape, values };
}

/**
 * max |a[i] − b[i]| after checking the lengths agree; +∞ when any difference is NaN, so a NaN can
 * never pass a `toBeLessThanOrEqual(tol)` bound.
 */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

/**
 * `expectClose` options no looser than |actual − expected| ≤ tol·max(1, |expected|), the bound
 * these tests were written against: atol + rtol·|y| = tol·(1 + |y|)/2 ≤ tol·max(1, |y|). NaN
 * matches only NaN and infinities only themselves.
 */
export function tolerance(tol: number): ExpectCloseOptions {
  return { atol: tol / 2, rtol: tol / 2, equalNan: true };
}

/**
 * `checkGradients` options for float64 ops: no looser than |analytic − numeric| ≤
 * 1e-6·max(1, |numeric|) (see {@link tolerance}), with the default step eps = 1e-6.
 */
export const gradientTolerance: CheckGradientsOptions = { atol: 5e-7, rtol: 5e-7 };

/**
 * `checkGradients` options for ops that are linear in the checked input (views, concatenation,
 * gathers), whose central differences are exact up to rounding: |analytic − numeric| ≤ 1e-7.
 */
export const linearGradientTolerance: CheckGradientsOptions = { atol: 1e-7, rtol: 0 };

/** A float64 leaf that requires gradients, from row-major `values` of `shape`. */
export function leaf({ shape, values }: { shape: readonly number[]; values: readonly number[] }): Tensor {
  return tensor(values.slice(), { shape, dtype: 'float64', requiresGrad: true });
}

/** Float64 leaves that require gradients for both operands of {@link broadcastableOperands}. */
export function operandLeaves(operands: {
  shapeA: number[];
  a: number[];
  shapeB: number[];
  b: number[];
}): Tensor[] {
  return [
    leaf({ shape: operands.shapeA, values: operands.a }),
    leaf({ shape: operands.shapeB, values: operands.b }),
  ];
}

/**
 * The `checkGradients` input of a case and the view that the op under test reads: a contiguous
 * leaf of the values, or, for a strided case, a leaf holding them column-major after one padding
 * element, which `view` turns (slice, reshape, permute: all views) into exactly the layout of
 * {@link stridedTensor}, so the forward and backward passes take their strided paths.
 */
function caseLeaf(c: ReduceCase | LaneCase): { input: Tensor; view: (t: Tensor) => Tensor } {
  if (!c.strided) return { input: leaf(c), view: (t) => t };
  const reversed = c.shape.slice().reverse();
  const axes = reversed.map((_, d) => reversed.length - 1 - d);
  const columnMajor = new Array<number>(c.values.length);
  c.values.forEach((v, k) => {
    // Element k (row-major in shape) sits at the row-major position of its reversed index.
    const idx = unravel(k, c.shape).reverse();
    let p = 0;
    idx.forEach((i, d) => {
      p = p * reversed[d]! + i;
    });
    columnMajor[p] = v;
  });
  return {
    input: tensor([-7, ...columnMajor], { dtype: 'float64', requiresGrad: true }),
    view: (t) => permute(reshape(slice(t, 0, 1), reversed), axes),
  };
}

/**
 * Checks the gradients of `fn` at a case's values with `checkGradients` (within
 * {@link gradientTolerance}), `fn` reading them in the case's layout, contiguous or strided.
 */
export function checkCaseGradients(c: ReduceCase | LaneCase, fn: (x: Tensor) => Tensor): void {
  const { input, view } = caseLeaf(c);
  checkGradients((t) => fn(view(t)), [input], gradientTolerance);
}

/**
 * Property of an elementwise op: on strided float64 tensors of any {@link smallShape} with values
 * from `domain`, `op` keeps shape and dtype and matches `reference` applied by an explicit loop,
 * within {@link tolerance}(tol).
 */
export function assertMatchesLoop(
  op: (x: Tensor) => Tensor,
  reference: (v: number) => number,
  domain: fc.Arbitrary<number>,
  tol: number,
): void {
  fc.assert(
    fc.property(withValues(smallShape(), domain), ({ shape, values }) => {
      const out = op(stridedTensor(values, shape, 'float64'));
      expect(out.shape).toEqual(shape);
      expect(out.dtype).toBe('float64');
      expectClose(out.toTypedArray(), values.map(reference), tolerance(tol));
    }),
  );
}

/** `count` float32 values in [−scale/2, scale/2) from a small LCG seeded by `seed` (reproducible). */
export function seededFloat32(count: number, seed: number, scale = 2): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return out;
}

/** The 32-bit words of a float array, for bit-for-bit comparisons (−0 and NaN payloads included). */
export const bits = (a: Float32Array | Float64Array): number[] =>
  Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));
