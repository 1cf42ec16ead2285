import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DType } from '../dtype.js';
import { ShapeError } from '../errors.js';
import { getBackend, setBackend } from '../kernels/set-backend.js';
import { contiguousStrides, createView } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastTo } from './broadcast-to.js';
import { fromNdarray, tensor } from './creation.js';
import { matmul } from './matmul.js';
import { sum } from './sum.js';

/** How a test operand is laid out in storage; the logical values are the same in every layout. */
type Layout = 'contiguous' | 'transposed' | 'strided' | 'reversed' | 'expanded';
const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'strided', 'reversed', 'expanded'];

/** An operand built in `layout` plus its logical row-major values. */
interface Operand {
  t: Tensor;
  values: number[];
}

/**
 * A tensor of `shape` with logical row-major elements taken from `source`, stored as: contiguous;
 * the last two axes swapped in storage (a transposed view); every other element from offset 1;
 * all axes reversed (negative strides); or the first axis expanded from extent 1 with stride 0.
 */
function build(shape: number[], source: number[], layout: Layout, dtype: DType = 'float64'): Operand {
  const n = shapeSize(shape);
  const rank = shape.length;
  const storageOf = (len: number) => tensor(new Array<number>(len).fill(0), { dtype }).nd.data;
  if (layout === 'expanded' && rank >= 2 && shape[0]! > 1) {
    const inner = n / shape[0]!;
    const base = source.slice(0, inner);
    const data = storageOf(inner);
    data.set(base);
    const stride = [0, ...contiguousStrides(shape.slice(1))];
    const values = Array.from({ length: n }, (_, i) => base[i % inner]!);
    return { t: fromNdarray(createView(data, shape, stride)), values };
  }
  const values = source.slice(0, n);
  if (layout === 'transposed' && rank >= 2) {
    const swapped = [...shape.slice(0, -2), shape[rank - 1]!, shape[rank - 2]!];
    const s = contiguousStrides(swapped);
    const stride = [...s.slice(0, -2), s[rank - 1]!, s[rank - 2]!];
    const data = storageOf(n);
    forEachIndex(shape, (idx, flat) => {
      data[idx.reduce((o, x, d) => o + x * stride[d]!, 0)] = values[flat]!;
    });
    return { t: fromNdarray(createView(data, shape, stride)), values };
  }
  if (layout === 'strided') {
    const data = storageOf(2 * n + 1);
    values.forEach((v, i) => {
      data[1 + 2 * i] = v;
    });
    return {
      t: fromNdarray(
        createView(
          data,
          shape,
          contiguousStrides(shape).map((s) => 2 * s),
          1,
        ),
      ),
      values,
    };
  }
  if (layout === 'reversed') {
    const data = storageOf(n);
    values.forEach((v, i) => {
      data[n - 1 - i] = v;
    });
    const stride = contiguousStrides(shape).map((s) => -s);
    return { t: fromNdarray(createView(data, shape, stride, Math.max(n - 1, 0))), values };
  }
  return { t: tensor(values, { shape, dtype }), values };
}

/** Calls `f` with every multi-index of `shape` in row-major order and its flat position. */
function forEachIndex(shape: readonly number[], f: (idx: number[], flat: number) => void): void {
  const n = shapeSize(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(idx, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/**
 * torch.matmul spelled out: promote 1-D operands, broadcast the batch axes by index arithmetic and
 * run the triple loop in float64. Returns the output shape and row-major values.
 */
function naiveMatmul(
  aShape: number[],
  a: number[],
  bShape: number[],
  b: number[],
): { shape: number[]; values: number[] } {
  const as = aShape.length === 1 ? [1, aShape[0]!] : aShape;
  const bs = bShape.length === 1 ? [bShape[0]!, 1] : bShape;
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => {
    const da = ab[ab.length - rank + i] ?? 1;
    const db = bb[bb.length - rank + i] ?? 1;
    return da === 1 ? db : da;
  });
  const flatOf = (dims: number[], idx: number[]): number => {
    let o = 0;
    dims.forEach((d, i) => {
      o = o * d + (d === 1 ? 0 : idx[rank - dims.length + i]!);
    });
    return o;
  };
  const values: number[] = [];
  forEachIndex(batch, (idx) => {
    const ao = flatOf(ab, idx) * m * k;
    const bo = flatOf(bb, idx) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ao + i * k + p]! * b[bo + p * n + j]!;
        values.push(s);
      }
    }
  });
  const shape = [...batch, ...(aShape.length > 1 ? [m] : []), ...(bShape.length > 1 ? [n] : [])];
  return { shape, values };
}

/** max |actual - expected| ≤ tol, elementwise. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Deterministic values in [-2, 2), exact in float32 (a multiplicative hash, not Math.random). */
function hashValues(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => ((Math.imul(i + 1, 2654435761 + seed) >>> 20) % 1024) / 256 - 2);
}

/**
 * Central differences in float64 (leaves in any layout but 'expanded', whose logical elements are
 * not independent) of L = Σ matmul(A, B)·R for a fixed R with entries ±[0.5, 1.5)
 * against the autograd gradients; operands are rebuilt in their layout from perturbed values.
 */
function checkGradients(aShape: number[], bShape: number[], la: Layout, lb: Layout, seed: number): void {
  const a0 = hashValues(shapeSize(aShape), seed).map((v) => v / 2);
  const b0 = hashValues(shapeSize(bShape), seed + 7).map((v) => v / 2);
  const make = (shape: number[], v: number[], layout: Layout) => {
    const { t } = build(shape, v, layout);
    t.requiresGrad = true;
    return t;
  };
  const outShape = naiveMatmul(aShape, a0, bShape, b0).shape;
  const r = hashValues(shapeSize(outShape), seed + 13).map(
    (v) => Math.sign(v + 0.01) * (0.5 + Math.abs(v) / 4),
  );
  const loss = (a: number[], b: number[]): number => {
    const out = matmul(make(aShape, a, la), make(bShape, b, lb)).toTypedArray();
    let total = 0;
    for (let i = 0; i < out.length; i++) total += out[i]! * r[i]!;
    return total;
  };
  const ta = make(aShape, a0, la);
  const tb = make(bShape, b0, lb);
  matmul(ta, tb).backward(tensor(r, { shape: outShape, dtype: 'float64' }));
  const eps = 1e-6;
  const numeric = (values: number[], f: (v: number[]) => number): number[] =>
    values.map((x, i) => {
      const plus = values.slice();
      const minus = values.slice();
      plus[i] = x + eps;
      minus[i] = x - eps;
      return (f(plus) - f(minus)) / (2 * eps);
    });
  expect(ta.grad?.shape).toEqual(aShape);
  expect(tb.grad?.shape).toEqual(bShape);
  expectClose(
    ta.grad!.toTypedArray(),
    numeric(a0, (v) => loss(v, b0)),
    1e-6,
  );
  expectClose(
    tb.grad!.toTypedArray(),
    numeric(b0, (v) => loss(a0, v)),
    1e-6,
  );
}

const side = fc.integer({ min: 1, max: 6 });
const layout = fc.constantFrom(...LAYOUTS);
const values = (n: number) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }), {
    minLength: n,
    maxLength: n,
  });

/** Two batch shapes (rank ≤ 2 after dropping leading axes) that broadcast against each other. */
const batchPair = fc
  .record({
    full: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    dropA: fc.nat(2),
    dropB: fc.nat(2),
    onesA: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
    onesB: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
  })
  .map(({ full, dropA, dropB, onesA, onesB }) => ({
    a: full.slice(Math.min(dropA, full.length)).map((d, i) => (onesA[i] ? 1 : d)),
    b: full.slice(Math.min(dropB, full.length)).map((d, i) => (onesB[i] ? 1 : d)),
  }));

describe('matmul', () => {
  // These tests pin the float64-accumulating JavaScript kernel (one rounding, "1 ulp" checks);
  // the float32 WebAssembly kernel has its own tests in src/kernels/wasm-matmul.test.ts.
  const before = getBackend();
  beforeAll(() => setBackend('js'));
  afterAll(() => setBackend(before));

  it('multiplies matrices like torch.matmul', () => {
    // torch.tensor([[1., 2.], [3., 4.]]) @ torch.tensor([[5., 6.], [7., 8.]])
    const out = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([2, 2]);
    expectClose(out.toTypedArray(), [19, 22, 43, 50], 0);
  });

  it('gives a 0-d tensor for the dot product of two vectors', () => {
    // torch.matmul(torch.tensor([1., 2., 3.]), torch.tensor([4., 5., 6.])) = tensor(32.)
    const out = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(out.shape).toEqual([]);
    expect(out.item()).toBeCloseTo(32, 6);
  });

  it('promotes a 1-D operand and removes the added axis', () => {
    const m = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // torch.matmul(m, torch.tensor([1., 0., -1.])) = [-2., -2.]
    const mv = matmul(m, tensor([1, 0, -1]));
    expect(mv.shape).toEqual([2]);
    expectClose(mv.toTypedArray(), [-2, -2], 0);
    // torch.matmul(torch.tensor([1., -1.]), m) = [-3., -3., -3.]
    const vm = matmul(tensor([1, -1]), m);
    expect(vm.shape).toEqual([3]);
    expectClose(vm.toTypedArray(), [-3, -3, -3], 0);
  });

  it('broadcasts a matrix over a batch, as torch.matmul does', () => {
    // torch.arange(12.).reshape(2, 2, 3) @ torch.arange(6.).reshape(3, 2)
    const a = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      { shape: [2, 2, 3] },
    );
    const b = tensor([0, 1, 2, 3, 4, 5], { shape: [3, 2] });
    const out = matmul(a, b);
    expect(out.shape).toEqual([2, 2, 2]);
    expectClose(out.toTypedArray(), [10, 13, 28, 40, 46, 67, 64, 94], 0);
    // A batched matrix times a vector, and a vector times a batch: (2, 2, 3)@(3) and (3)@(2, 3, 2).
    expect(matmul(a, tensor([1, 1, 1])).toArray()).toEqual([
      [3, 12],
      [21, 30],
    ]);
    const batchB = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      { shape: [2, 3, 2] },
    );
    expect(matmul(tensor([1, 0, 1]), batchB).toArray()).toEqual([
      [4, 6],
      [16, 18],
    ]);
  });

  it('broadcasts batch axes of extent 1 on both sides', () => {
    // (2, 1, 2, 3) @ (3, 3, 2) -> (2, 3, 2, 2)
    const a = build([2, 1, 2, 3], hashValues(12, 1), 'contiguous');
    const b = build([3, 3, 2], hashValues(18, 2), 'contiguous');
    const out = matmul(a.t, b.t);
    const ref = naiveMatmul([2, 1, 2, 3], a.values, [3, 3, 2], b.values);
    expect(out.shape).toEqual([2, 3, 2, 2]);
    expectClose(out.toTypedArray(), ref.values, 1e-12);
  });

  it('multiplies a batch of single rows by a shared matrix in every layout', () => {
    // (3, 1, 4) @ (4, 2): the batch folds into 3 rows whatever the stride of the extent-1 row axis.
    for (const layout of LAYOUTS) {
      const a = build([3, 1, 4], hashValues(12, 3), layout);
      const b = build([4, 2], hashValues(8, 4), 'contiguous');
      const ref = naiveMatmul([3, 1, 4], a.values, [4, 2], b.values);
      expectClose(matmul(a.t, b.t).toTypedArray(), ref.values, 1e-12);
      // (An expanded operand's logical elements share storage: finite differences do not apply.)
      if (layout !== 'expanded') checkGradients([3, 1, 4], [4, 2], layout, 'transposed', 5);
    }
  });

  it('computes int32 products exactly, wrapping on overflow like int32', () => {
    const a = tensor([[16777217, 1]], { dtype: 'int32' });
    const b = tensor([[1], [2]], { dtype: 'int32' });
    const out = matmul(a, b);
    expect(out.dtype).toBe('int32');
    // 2^24 + 3 is not a float32, so this cannot have gone through float32.
    expect(out.toArray()).toEqual([[16777219]]);
    const wrap = matmul(
      tensor([[2147483647, 1]], { dtype: 'int32' }),
      tensor([[1], [1]], { dtype: 'int32' }),
    );
    expect(wrap.toArray()).toEqual([[-2147483648]]);
  });

  it('promotes mixed dtypes and counts with bool × bool', () => {
    const i = tensor([[1, 2]], { dtype: 'int32' });
    expect(matmul(i, tensor([[0.5], [0.25]])).dtype).toBe('float32');
    expectClose(matmul(i, tensor([[0.5], [0.25]])).toTypedArray(), [1], 0);
    expect(matmul(tensor([[1, 2]], { dtype: 'float64' }), tensor([[1], [1]])).dtype).toBe('float64');
    const bools = matmul(tensor([[true, true, false]]), tensor([[true], [true], [true]]));
    expect(bools.dtype).toBe('int32');
    expect(bools.toArray()).toEqual([[2]]);
  });

  it('gives zeros for an empty inner dimension and empty outputs for empty outer ones', () => {
    const out = matmul(tensor([], { shape: [2, 0] }), tensor([], { shape: [0, 3] }));
    expect(out.shape).toEqual([2, 3]);
    expect(out.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(
      matmul(tensor([], { shape: [0, 3] }), tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] })).shape,
    ).toEqual([0, 2]);
  });

  it('rounds float32 products once, through the cache-blocked path, in every layout', () => {
    // Shapes that cross the kernel's blocks (MC 128, KC 256, NC 512) and leave partial 4×4 tiles.
    const cases: [number, number, number, Layout, Layout][] = [
      [130, 75, 300, 'contiguous', 'contiguous'],
      [67, 45, 260, 'transposed', 'strided'],
      [9, 517, 9, 'reversed', 'transposed'],
      [5, 6, 1200, 'strided', 'reversed'],
      [33, 35, 40, 'expanded', 'expanded'],
      // More than 2^20 outputs: accumulated in row chunks of float64 scratch.
      [1100, 1000, 2, 'contiguous', 'transposed'],
    ];
    for (const [m, n, k, la, lb] of cases) {
      const a = build([2, m, k], hashValues(2 * m * k, m), la, 'float32');
      const b = build([k, n], hashValues(k * n, n), lb, 'float32');
      const out = matmul(a.t, b.t).toTypedArray();
      const ref = naiveMatmul([2, m, k], a.values, [k, n], b.values).values;
      let worstUlps = 0;
      for (let i = 0; i < ref.length; i++) {
        const ulp = 2 ** (Math.floor(Math.log2(Math.max(Math.abs(ref[i]!), 2 ** -100))) - 23);
        worstUlps = Math.max(worstUlps, Math.abs(out[i]! - ref[i]!) / ulp);
      }
      // Accumulated in float64 and rounded once: within one float32 ulp of the exact sum.
      expect(worstUlps).toBeLessThanOrEqual(1);
    }
  });

  it('matches a naive triple loop for any layout, batch broadcasting and tile-unaligned sizes', () => {
    fc.assert(
      fc.property(
        batchPair,
        side,
        side,
        side,
        fc.constantFrom(0, 1, 2),
        layout,
        layout,
        values(2 * 9 * 36),
        (batch, m, n, k, vectors, la, lb, source) => {
          // vectors: 0 none, 1 a is 1-D, 2 b is 1-D (each drops that operand's batch axes).
          const aShape = vectors === 1 ? [k] : [...batch.a, m, k];
          const bShape = vectors === 2 ? [k] : [...batch.b, k, n];
          const a = build(aShape, source, la);
          const b = build(bShape, source.slice(shapeSize(aShape)), lb);
          const ref = naiveMatmul(aShape, a.values, bShape, b.values);
          const out = matmul(a.t, b.t);
          expect(out.shape).toEqual(ref.shape);
          expectClose(out.toTypedArray(), ref.values, 1e-12);
        },
      ),
    );
  });

  it('matches a naive triple loop exactly for int32 in any layout', () => {
    fc.assert(
      fc.property(
        batchPair,
        side,
        side,
        side,
        layout,
        layout,
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 648, maxLength: 648 }),
        (batch, m, n, k, la, lb, source) => {
          const aShape = [...batch.a, m, k];
          const bShape = [...batch.b, k, n];
          const a = build(aShape, source, la, 'int32');
          const b = build(bShape, source.slice(shapeSize(aShape)), lb, 'int32');
          const out = matmul(a.t, b.t);
          expect(out.dtype).toBe('int32');
          expect(Array.from(out.toTypedArray())).toEqual(
            naiveMatmul(aShape, a.values, bShape, b.values).values,
          );
        },
      ),
    );
  });

  it('matches a naive triple loop on medium shapes through the blocked kernel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 30, max: 70 }),
        fc.integer({ min: 30, max: 70 }),
        fc.integer({ min: 20, max: 300 }),
        layout,
        layout,
        fc.nat(1000),
        (m, n, k, la, lb, seed) => {
          const a = build([m, k], hashValues(m * k, seed), la);
          const b = build([k, n], hashValues(k * n, seed + 1), lb);
          const out = matmul(a.t, b.t).toTypedArray();
          expectClose(out, naiveMatmul([m, k], a.values, [k, n], b.values).values, 1e-11);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is associative within float64 rounding', () => {
    fc.assert(
      fc.property(side, side, side, side, values(3 * 36), (m, k, p, n, source) => {
        const a = tensor(source.slice(0, m * k), { shape: [m, k], dtype: 'float64' });
        const b = tensor(source.slice(36, 36 + k * p), { shape: [k, p], dtype: 'float64' });
        const c = tensor(source.slice(72, 72 + p * n), { shape: [p, n], dtype: 'float64' });
        const left = matmul(matmul(a, b), c).toTypedArray();
        const right = matmul(a, matmul(b, c)).toTypedArray();
        expectClose(left, right, 1e-12);
      }),
    );
  });

  it('has the PyTorch gradients for a matrix product', () => {
    // a, b = [[1., 2.], [3., 4.]], [[5., 6.], [7., 8.]]; (a @ b).sum().backward()
    const a = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const b = tensor(
      [
        [5, 6],
        [7, 8],
      ],
      { requiresGrad: true },
    );
    sum(matmul(a, b)).backward();
    expect(a.grad?.toArray()).toEqual([
      [11, 15],
      [11, 15],
    ]);
    expect(b.grad?.toArray()).toEqual([
      [4, 4],
      [6, 6],
    ]);
  });

  it('sums gradients over broadcast batch axes back to each operand', () => {
    // a = torch.ones(2, 3, 2); b = torch.tensor([[1., 2.], [3., 4.]]); (a @ b).sum().backward()
    const a = tensor(new Array<number>(12).fill(1), { shape: [2, 3, 2], requiresGrad: true });
    const b = tensor([1, 2, 3, 4], { shape: [2, 2], requiresGrad: true });
    sum(matmul(a, b)).backward();
    expect(b.grad?.toArray()).toEqual([
      [6, 6],
      [6, 6],
    ]);
    expectClose(a.grad!.toTypedArray(), [3, 7, 3, 7, 3, 7, 3, 7, 3, 7, 3, 7], 0);
  });

  it('has gradients matching central finite differences', () => {
    const cases: [number[], number[], Layout, Layout][] = [
      [[3], [3], 'contiguous', 'reversed'],
      [[2, 3], [3], 'transposed', 'strided'],
      [[2, 2, 3], [3], 'reversed', 'contiguous'],
      [[3], [3, 2], 'contiguous', 'transposed'],
      [[3], [2, 3, 2], 'strided', 'transposed'],
      [[2, 3], [3, 4], 'contiguous', 'contiguous'],
      [[2, 3, 4], [4, 2], 'strided', 'transposed'],
      [[3, 4], [2, 4, 2], 'reversed', 'transposed'],
      [[2, 1, 2, 3], [3, 3, 2], 'strided', 'contiguous'],
      [[1, 2, 3], [2, 3, 2], 'contiguous', 'strided'],
      [[2, 2, 3], [1, 3, 2], 'transposed', 'contiguous'],
    ];
    cases.forEach(([aShape, bShape, la, lb], i) => {
      checkGradients(aShape, bShape, la, lb, i);
    });
  });

  it('returns gradients in each input dtype and through broadcastTo views', () => {
    const a = tensor([[1, 2]], { requiresGrad: true });
    const b = tensor([[3], [4]], { dtype: 'float64', requiresGrad: true });
    const out = matmul(broadcastTo(a, [3, 1, 2]), b);
    expect(out.dtype).toBe('float64');
    sum(out).backward();
    expect(a.grad?.dtype).toBe('float32');
    expect(b.grad?.dtype).toBe('float64');
    expect(a.grad?.toArray()).toEqual([[9, 12]]);
    expect(b.grad?.toArray()).toEqual([[3], [6]]);
  });

  it('throws ShapeError for a 0-d operand', () => {
    expect(() => matmul(tensor(2), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => matmul(tensor(2), tensor([1, 2]))).toThrow(/^matmul: a must have shape .*; got \(\)\.$/);
    expect(() => matmul(tensor([1, 2]), tensor(2))).toThrow(/^matmul: b must have shape .*; got \(\)\.$/);
  });

  it('throws ShapeError naming both shapes when the inner dimensions differ', () => {
    expect(() => matmul(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(ShapeError);
    const a = tensor(new Array<number>(6).fill(0), { shape: [2, 3] });
    const b = tensor(new Array<number>(20).fill(0), { shape: [4, 5] });
    expect(() => matmul(a, b)).toThrow(
      /^matmul: a \(2, 3\) and b \(4, 5\) have mismatched inner dimensions \(3 vs 4\)\.$/,
    );
  });

  it('throws ShapeError naming both shapes when the batch axes do not broadcast', () => {
    const a = tensor(new Array<number>(12).fill(0), { shape: [2, 2, 3] });
    const b = tensor(new Array<number>(18).fill(0), { shape: [3, 3, 2] });
    expect(() => matmul(a, b)).toThrow(ShapeError);
    expect(() => matmul(a, b)).toThrow(
      /a \(2, 2, 3\) with batch axes \(2\) and b \(3, 3, 2\) with batch axes \(3\)/,
    );
  });
});
