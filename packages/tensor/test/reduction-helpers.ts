/**
 * Test helpers for the reductions and softmax: explicit-loop references that group elements by
 * output position or by lane, small cases with random axes, strided (non-contiguous) inputs and a
 * float64 central-difference gradient check. Test-only: not part of the package build.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { DType } from '../src/dtype.js';
import { createView } from '../src/ndarray.js';
import { fromNdarray, tensor } from '../src/ops/creation.js';
import { shapeSize } from '../src/shape.js';
import type { Tensor } from '../src/tensor.js';

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

/** Doubles in [min, max] (no NaN, no infinities). */
export function finite(min: number, max: number): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
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

/**
 * Expects `actual` to match `expected` elementwise within `tol * max(1, |expected|)`; NaN must
 * match NaN and infinities must match exactly.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const x = actual[i]!;
    const y = expected[i]!;
    if (Number.isNaN(y) || !Number.isFinite(y)) {
      expect(x, `element ${i}`).toBe(y);
      continue;
    }
    const err = Math.abs(x - y);
    if (!(err <= tol * Math.max(1, Math.abs(y)))) {
      expect.fail(`element ${i}: got ${x}, expected ${y} (|diff| ${err} > tol ${tol})`);
    }
  }
}

/** Deterministic, varied weights for the gradient check's loss sum(w · fn(x)). */
function weights(n: number): number[] {
  return Array.from({ length: n }, (_, k) => 0.5 + ((k * 7) % 11) / 10 - (k % 3 === 2 ? 1.3 : 0));
}

/**
 * Checks autograd against central finite differences in float64. The loss is sum(w · fn(x)) with
 * fixed weights w (computed in plain JS, so no op under test is involved); each element of x is
 * moved by ±eps and the slope must match `x.grad` within `tol` (relative to max(1, |slope|)).
 * `make` builds the input from float64 values (default: a contiguous tensor).
 */
export function checkGradient(
  fn: (x: Tensor) => Tensor,
  shape: readonly number[],
  values: readonly number[],
  {
    eps = 1e-6,
    tol = 1e-6,
    make = (v: readonly number[]) => tensor(v.slice(), { shape, dtype: 'float64' }),
  }: { eps?: number; tol?: number; make?: (v: readonly number[]) => Tensor } = {},
): void {
  const x = make(values);
  x.requiresGrad = true;
  const out = fn(x);
  const w = weights(out.size);
  out.backward(tensor(w, { shape: out.shape, dtype: 'float64' }));
  const loss = (v: readonly number[]): number => {
    const y = fn(make(v)).toTypedArray();
    let total = 0;
    for (let i = 0; i < y.length; i++) total += w[i]! * y[i]!;
    return total;
  };
  expect(x.grad, 'x has a gradient').not.toBeNull();
  expect(x.grad!.shape).toEqual(shape);
  const analytic = x.grad!.toTypedArray();
  for (let j = 0; j < values.length; j++) {
    const plus = values.slice();
    const minus = values.slice();
    plus[j] = values[j]! + eps;
    minus[j] = values[j]! - eps;
    const numeric = (loss(plus) - loss(minus)) / (2 * eps);
    const a = analytic[j]!;
    if (!(Math.abs(a - numeric) <= tol * Math.max(1, Math.abs(numeric)))) {
      expect.fail(`element ${j}: autograd ${a}, finite differences ${numeric}`);
    }
  }
}
