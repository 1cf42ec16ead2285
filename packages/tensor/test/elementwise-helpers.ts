/**
 * Test helpers for the elementwise ops: broadcastable shape arbitraries, an explicit-loop
 * broadcasting reference, strided (non-contiguous) inputs and a float64 central-difference
 * gradient check. Test-only: not part of the package build.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { DType } from '../src/dtype.js';
import { createView } from '../src/ndarray.js';
import { fromNdarray, tensor } from '../src/ops/creation.js';
import { broadcastShapes, shapeSize } from '../src/shape.js';
import type { Tensor } from '../src/tensor.js';

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

/** A shape of rank ≤ 3 with sides in [1, 4]. */
export function smallShape(): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
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

/** Doubles in [min, max] (no NaN, no infinities). */
export function finite(min: number, max: number): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Doubles with |x| in [lo, hi]: keeps samples away from a kink or pole at 0. */
export function awayFromZero(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.tuple(finite(lo, hi), fc.boolean()).map(([m, neg]) => (neg ? -m : m));
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
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    let rest = k;
    let p = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      p += idx[d]! * stride[d]!;
    }
    storage[p] = values[k]!;
  }
  return fromNdarray(createView(storage, shape, stride, 1));
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

/** Deterministic weights for the gradient check's loss sum(w * f(...)). */
function weights(n: number): number[] {
  return Array.from({ length: n }, (_, k) => 0.5 + ((k * 7) % 11) / 10);
}

/**
 * Checks autograd against central finite differences in float64: the loss is sum(w * fn(...)),
 * each input element is moved by ±eps, and the slope must match its `.grad` within `tol`
 * (relative to max(1, |grad|)).
 */
export function checkGradients(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly { shape: readonly number[]; values: readonly number[] }[],
  { eps = 1e-6, tol = 1e-6 }: { eps?: number; tol?: number } = {},
): void {
  const make = (k: number, values: readonly number[], requiresGrad: boolean): Tensor =>
    tensor(values.slice(), { shape: inputs[k]!.shape, dtype: 'float64', requiresGrad });
  const leaves = inputs.map((input, k) => make(k, input.values, true));
  const out = fn(...leaves);
  const w = weights(out.size);
  out.backward(tensor(w, { shape: out.shape, dtype: 'float64' }));
  const loss = (values: readonly number[][]): number => {
    const y = fn(...values.map((v, k) => make(k, v, false))).toTypedArray();
    let total = 0;
    for (let i = 0; i < y.length; i++) total += w[i]! * y[i]!;
    return total;
  };
  const base = inputs.map((input) => input.values.slice());
  inputs.forEach((input, k) => {
    const grad = leaves[k]!.grad;
    expect(grad, `input ${k} has a gradient`).not.toBeNull();
    expect(grad!.shape).toEqual(input.shape);
    const analytic = grad!.toTypedArray();
    for (let j = 0; j < input.values.length; j++) {
      const plus = base.map((v) => v.slice());
      const minus = base.map((v) => v.slice());
      plus[k]![j] = input.values[j]! + eps;
      minus[k]![j] = input.values[j]! - eps;
      const numeric = (loss(plus) - loss(minus)) / (2 * eps);
      const a = analytic[j]!;
      if (!(Math.abs(a - numeric) <= tol * Math.max(1, Math.abs(numeric)))) {
        expect.fail(`input ${k} element ${j}: autograd ${a}, finite differences ${numeric}`);
      }
    }
  });
}
