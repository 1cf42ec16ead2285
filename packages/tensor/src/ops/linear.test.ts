import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finite, gradientTolerance, stridedTensor, tolerance } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Backend } from '../kernels/backend.js';
import { getBackend, setBackend } from '../kernels/set-backend.js';
import { createView } from '../ndarray.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { tensor } from './creation.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { mul } from './mul.js';
import { slice } from './slice.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

/** y[r, j] = Σ_i x[r, i]·W[j, i] + b[j], taken literally in float64 over row-major values. */
function reference(
  x: readonly number[],
  w: readonly number[],
  b: readonly number[] | null,
  inFeatures: number,
  outFeatures: number,
): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / inFeatures; r++) {
    for (let j = 0; j < outFeatures; j++) {
      let acc = b?.[j] ?? 0;
      for (let i = 0; i < inFeatures; i++) acc += x[r * inFeatures + i]! * w[j * inFeatures + i]!;
      out.push(acc);
    }
  }
  return out;
}

/** The values 0, 1, 2, … of `shape` scaled by `scale` and shifted by `shift` (distinct, exact). */
function ramp(shape: number[], scale = 1, shift = 0): number[] {
  return Array.from({ length: shapeSize(shape) }, (_, i) => i * scale + shift);
}

/** A case: leading axes (≤ 2, sides 1–3), feature counts, layout, bias or not, and the values. */
const cases = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    inFeatures: fc.integer({ min: 1, max: 4 }),
    outFeatures: fc.integer({ min: 1, max: 4 }),
    strided: fc.boolean(),
    hasBias: fc.boolean(),
  })
  .chain((c) => {
    const n = shapeSize(c.lead) * c.inFeatures;
    const m = c.outFeatures * c.inFeatures;
    return fc.record({
      ...Object.fromEntries(Object.entries(c).map(([k, v]) => [k, fc.constant(v)])),
      x: fc.array(finite(-3, 3), { minLength: n, maxLength: n }),
      w: fc.array(finite(-3, 3), { minLength: m, maxLength: m }),
      b: fc.array(finite(-3, 3), { minLength: c.outFeatures, maxLength: c.outFeatures }),
    }) as fc.Arbitrary<typeof c & { x: number[]; w: number[]; b: number[] }>;
  });

describe('linear', () => {
  it('computes x·Wᵀ + b as F.linear does', () => {
    // F.linear(tensor([[1., 2.], [3., 4.]]), tensor([[1., 0.], [1., 1.], [0., 2.]]), tensor([0., 10., 100.]))
    const w = tensor([
      [1, 0],
      [1, 1],
      [0, 2],
    ]);
    const out = linear(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      w,
      tensor([0, 10, 100]),
    );
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([2, 3]);
    expectClose(out, [
      [1, 13, 104],
      [3, 17, 108],
    ]);
  });

  it('maps a 1-D x to a 1-D output', () => {
    const out = linear(
      tensor([1, 2]),
      tensor([
        [3, 4],
        [5, 6],
        [7, 8],
      ]),
      tensor([1, 1, 1]),
    );
    expect(out.shape).toEqual([3]);
    expectClose(out, [12, 18, 24]);
  });

  it('folds the leading axes of a 3-D x into rows', () => {
    const xShape = [2, 3, 4];
    const x = ramp(xShape, 0.5, -3);
    const w = ramp([5, 4], 0.25, -2);
    const b = ramp([5], 1, -2);
    const out = linear(
      tensor(x, { shape: xShape, dtype: 'float64' }),
      tensor(w, { shape: [5, 4], dtype: 'float64' }),
      tensor(b, { dtype: 'float64' }),
    );
    expect(out.shape).toEqual([2, 3, 5]);
    expectClose(out.toTypedArray(), reference(x, w, b, 4, 5), tolerance(1e-12));
  });

  it('reads non-contiguous x: transposed and sliced views and layouts that need a copy', () => {
    const w = ramp([3, 4], 0.5, -2);
    const b = [1, -1, 2];
    const weight = tensor(w, { shape: [3, 4], dtype: 'float64' });
    const bias = tensor(b, { dtype: 'float64' });
    // A transposed view (5, 4) of a (4, 5) tensor: rows are read with stride 1, features with stride 5.
    const stored = ramp([4, 5], 0.25, -1);
    const xt = transpose(tensor(stored, { shape: [4, 5], dtype: 'float64' }));
    expect(xt.isContiguous()).toBe(false);
    expectClose(
      linear(xt, weight, bias).toTypedArray(),
      reference(Array.from(xt.toTypedArray()), w, b, 4, 3),
      tolerance(1e-12),
    );
    // Every other row of a (6, 4) tensor.
    const xs = slice(tensor(ramp([6, 4], 0.5, -5), { shape: [6, 4], dtype: 'float64' }), 0, 0, 6, 2);
    expectClose(
      linear(xs, weight, bias).toTypedArray(),
      reference(Array.from(xs.toTypedArray()), w, b, 4, 3),
      tolerance(1e-12),
    );
    // A column-major (2, 3, 4) view whose leading axes cannot fold into rows.
    const values = ramp([2, 3, 4], 0.5, -6);
    const xc = stridedTensor(values, [2, 3, 4], 'float64');
    const out = linear(xc, weight, bias);
    expect(out.shape).toEqual([2, 3, 3]);
    expectClose(out.toTypedArray(), reference(values, w, b, 4, 3), tolerance(1e-12));
    // A (2, 1, 4) view that is contiguous, though its extent-1 axis has an arbitrary stride (99).
    const rows = ramp([2, 4], 0.5, -3);
    const x1 = new Tensor(createView(Float64Array.from(rows), [2, 1, 4], [4, 99, 1]), 'float64');
    expect(x1.isContiguous()).toBe(true);
    expectClose(linear(x1, weight, bias).toTypedArray(), reference(rows, w, b, 4, 3), tolerance(1e-12));
  });

  it('reads a transposed view of the weight and a strided bias', () => {
    const x = ramp([3, 2], 1, -2);
    // weight (4, 2) as the transpose of a stored (2, 4); bias every other element of 8.
    const weight = transpose(tensor(ramp([2, 4], 0.5, -1), { shape: [2, 4], dtype: 'float64' }));
    const bias = slice(tensor(ramp([8], 1, 0), { dtype: 'float64' }), 0, 0, 8, 2);
    const out = linear(tensor(x, { shape: [3, 2], dtype: 'float64' }), weight, bias);
    expectClose(
      out.toTypedArray(),
      reference(x, Array.from(weight.toTypedArray()), Array.from(bias.toTypedArray()), 2, 4),
      tolerance(1e-12),
    );
  });

  it('adds no bias when none is given', () => {
    const x = ramp([2, 3], 1, -3);
    const w = ramp([2, 3], 0.5, 1);
    const out = linear(tensor(x, { shape: [2, 3] }), tensor(w, { shape: [2, 3] }));
    expectClose(out.toTypedArray(), reference(x, w, null, 3, 2), tolerance(1e-6));
  });

  it('gives empty outputs for zero-size leading axes and the bias for zero in features', () => {
    const w = tensor(ramp([4, 3]), { shape: [4, 3] });
    const b = tensor([1, 2, 3, 4]);
    expect(linear(tensor([], { shape: [0, 3] }), w, b).shape).toEqual([0, 4]);
    expect(linear(tensor([], { shape: [2, 0, 3] }), w, b).shape).toEqual([2, 0, 4]);
    // x (2, 0) · Wᵀ (0, 4) is a (2, 4) sum over nothing: zeros, plus the bias.
    const out = linear(tensor([], { shape: [2, 0] }), tensor([], { shape: [4, 0] }), b);
    expectClose(out, [
      [1, 2, 3, 4],
      [1, 2, 3, 4],
    ]);
  });

  it('runs float32 through the matmul kernel within float32 rounding, as the unfused ops do', () => {
    // 48·40·33 multiply-adds: large enough for the blocked (WebAssembly) matmul path.
    const [rows, inFeatures, outFeatures] = [48, 33, 40];
    const x = ramp([rows, inFeatures]).map((i) => Math.sin(i));
    const w = ramp([outFeatures, inFeatures]).map((i) => Math.cos(i) / 4);
    const b = ramp([outFeatures]).map((i) => i / 10 - 2);
    const xt = tensor(x, { shape: [2, rows / 2, inFeatures] });
    const wt = tensor(w, { shape: [outFeatures, inFeatures] });
    const bt = tensor(b);
    const out = linear(xt, wt, bt);
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([2, rows / 2, outFeatures]);
    expectClose(out.toTypedArray(), reference(x, w, b, inFeatures, outFeatures), tolerance(1e-5));
    expectClose(out, add(matmul(xt, transpose(wt)), bt), tolerance(1e-6));
  });

  it('promotes dtypes as matmul does and counts with bool × bool', () => {
    const x = tensor([[1, 2]]);
    const w64 = tensor([[0.5, 0.25]], { dtype: 'float64' });
    expect(linear(x, w64).dtype).toBe('float64');
    expect(linear(x, tensor([[1, 1]]), tensor([1], { dtype: 'float64' })).dtype).toBe('float64');
    const ints = linear(
      tensor([[3, 4]], { dtype: 'int32' }),
      tensor([[2, 5]], { dtype: 'int32' }),
      tensor([7], { dtype: 'int32' }),
    );
    expect(ints.dtype).toBe('int32');
    expect(ints.toArray()).toEqual([[33]]);
    const counts = linear(
      tensor([[true, true, false]], { dtype: 'bool' }),
      tensor([[true, true, true]], { dtype: 'bool' }),
    );
    expect(counts.dtype).toBe('int32');
    expect(counts.toArray()).toEqual([[2]]);
  });

  it('matches an explicit loop for any leading shape, layout and bias', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const shape = [...c.lead, c.inFeatures];
        const x = c.strided ? stridedTensor(c.x, shape, 'float64') : tensor(c.x, { shape, dtype: 'float64' });
        const w = tensor(c.w, { shape: [c.outFeatures, c.inFeatures], dtype: 'float64' });
        const b = c.hasBias ? tensor(c.b, { dtype: 'float64' }) : null;
        const out = linear(x, w, b);
        expect(out.shape).toEqual([...c.lead, c.outFeatures]);
        expectClose(
          out.toTypedArray(),
          reference(c.x, c.w, c.hasBias ? c.b : null, c.inFeatures, c.outFeatures),
          tolerance(1e-12),
        );
      }),
    );
  });

  it('matches add(matmul(x, transpose(weight)), bias) in value and gradients', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const shape = [...c.lead, c.inFeatures];
        const make = () => {
          const x = c.strided
            ? stridedTensor(c.x, shape, 'float64')
            : tensor(c.x, { shape, dtype: 'float64' });
          x.requiresGrad = true;
          return {
            x,
            w: tensor(c.w, { shape: [c.outFeatures, c.inFeatures], dtype: 'float64', requiresGrad: true }),
            b: c.hasBias ? tensor(c.b, { dtype: 'float64', requiresGrad: true }) : null,
          };
        };
        const fused = make();
        const unfused = make();
        const y = linear(fused.x, fused.w, fused.b);
        const product = matmul(unfused.x, transpose(unfused.w));
        const z = unfused.b === null ? product : add(product, unfused.b);
        expectClose(y, z, tolerance(1e-12));
        // A non-uniform upstream gradient, so that a transposed or misplaced gradient shows.
        const rShape = [...c.lead, c.outFeatures];
        const r = tensor(ramp(rShape, 0.5, -1), { shape: rShape, dtype: 'float64' });
        sum(mul(y, r)).backward();
        sum(mul(z, r)).backward();
        expectClose(fused.x.grad!, unfused.x.grad!, tolerance(1e-12));
        expectClose(fused.w.grad!, unfused.w.grad!, tolerance(1e-12));
        if (c.hasBias) expectClose(fused.b!.grad!, unfused.b!.grad!, tolerance(1e-12));
      }),
    );
  });

  it('has the hand-computed gradients of sum(linear(x, W, b))', () => {
    // L = Σ_rj (x·Wᵀ + b)[r, j]: dL/dx[r, i] = Σ_j W[j, i], dL/dW[j, i] = Σ_r x[r, i], dL/db[j] = rows.
    const x = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { requiresGrad: true },
    );
    const w = tensor(
      [
        [1, 0],
        [1, 1],
      ],
      { requiresGrad: true },
    );
    const b = tensor([0, 10], { requiresGrad: true });
    sum(linear(x, w, b)).backward();
    expectClose(x.grad!, [
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    expectClose(w.grad!, [
      [9, 12],
      [9, 12],
    ]);
    expectClose(b.grad!, [3, 3]);
  });

  it('has gradients matching finite differences for 1-D, 3-D, strided and bias-free inputs', () => {
    const t = (shape: number[], scale: number, shift: number) =>
      tensor(
        ramp(shape).map((i) => Math.sin(i * scale + shift)),
        { shape, dtype: 'float64', requiresGrad: true },
      );
    const w = t([3, 4], 1.3, 0.2);
    const b = t([3], 0.7, 1);
    // 1-D x, and 3-D x.
    checkGradients((x, w, b) => linear(x, w, b), [t([4], 0.9, 0), w, b], gradientTolerance);
    checkGradients((x, w, b) => linear(x, w, b), [t([2, 3, 4], 0.9, 0), w, b], gradientTolerance);
    // No bias.
    checkGradients((x, w) => linear(x, w), [t([3, 4], 0.4, 0.3), w], gradientTolerance);
    // x a transposed view (folds with swapped strides), and a permuted 3-D view (copied).
    checkGradients((x, w, b) => linear(transpose(x), w, b), [t([4, 5], 0.6, 0.1), w, b], gradientTolerance);
    checkGradients(
      (x, w, b) => linear(transpose(x, 0, 1), w, b),
      [t([3, 2, 4], 0.6, 0.1), w, b],
      gradientTolerance,
    );
    // An upstream gradient that is a non-contiguous view (transpose's backward), and a transposed weight.
    checkGradients(
      (x, w, b) => transpose(linear(x, w, b), 0, 1),
      [t([2, 3, 4], 0.5, 0), w, b],
      gradientTolerance,
    );
    checkGradients(
      (x, w, b) => linear(x, transpose(w), b),
      [t([2, 4], 0.5, 0), t([4, 3], 1.1, 0), b],
      gradientTolerance,
    );
  });

  it('has float32 gradients through the matmul kernel within float32 rounding of the float64 ones', () => {
    // (64 × 40)·(40 × 33), (40 × 64)·(64 × 33) and (1 × 64)·(64 × 40): the blocked (WebAssembly) path.
    const [rows, inFeatures, outFeatures] = [64, 33, 40];
    const values = {
      x: ramp([rows, inFeatures]).map((i) => Math.sin(i)),
      w: ramp([outFeatures, inFeatures]).map((i) => Math.cos(i) / 4),
      b: ramp([outFeatures]).map((i) => i / 10 - 2),
    };
    const r = ramp([rows, outFeatures]).map((i) => Math.sin(i / 3));
    const leaves = (dtype: 'float32' | 'float64') => ({
      x: tensor(values.x, { shape: [4, rows / 4, inFeatures], dtype, requiresGrad: true }),
      w: tensor(values.w, { shape: [outFeatures, inFeatures], dtype, requiresGrad: true }),
      b: tensor(values.b, { dtype, requiresGrad: true }),
    });
    const f32 = leaves('float32');
    const f64 = leaves('float64');
    linear(f32.x, f32.w, f32.b).backward(tensor(r, { shape: [4, rows / 4, outFeatures] }));
    add(matmul(f64.x, transpose(f64.w)), f64.b).backward(
      tensor(r, { shape: [4, rows / 4, outFeatures], dtype: 'float64' }),
    );
    for (const k of ['x', 'w', 'b'] as const) {
      expect(f32[k].grad!.dtype).toBe('float32');
      expectClose(f32[k].grad!, f64[k].grad!, tolerance(1e-5));
    }
  });

  it('gives zero weight and bias gradients for zero-size leading axes', () => {
    const x = tensor([], { shape: [0, 3], requiresGrad: true });
    const w = tensor(ramp([2, 3]), { shape: [2, 3], requiresGrad: true });
    const b = tensor([1, 2], { requiresGrad: true });
    sum(linear(x, w, b)).backward();
    expect(x.grad!.shape).toEqual([0, 3]);
    expectClose(w.grad!, [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expectClose(b.grad!, [0, 0]);
  });

  it('computes only the gradients of inputs that require them, each in its input dtype', () => {
    // rows 3, in 2, out 4: the products are dx (3 × 4)·(4 × 2), dweight (4 × 3)·(3 × 2), dbias (1 × 3)·(3 × 4).
    const x = tensor(ramp([3, 2]), { shape: [3, 2], dtype: 'float64' });
    const w = tensor(ramp([4, 2]), { shape: [4, 2] });
    const b = tensor([1, 2, 3, 4]);
    const original = getBackend();
    const products: number[][] = [];
    /** The [m, n, k] of every product that the backward of linear(x, w, b) runs. */
    const backwardProducts = (): number[][] => {
      const y = linear(x, w, b);
      expect(y.dtype).toBe('float64');
      products.length = 0;
      sum(y).backward();
      return products.slice();
    };
    const counting: Backend = {
      ...original,
      name: 'counting',
      matmul: (out, a_, b_, m, n, k) => {
        products.push([m, n, k]);
        original.matmul(out, a_, b_, m, n, k);
      },
    };
    setBackend(counting);
    try {
      b.requiresGrad = true;
      expect(backwardProducts()).toEqual([[1, 4, 3]]);
      w.requiresGrad = true;
      expect(backwardProducts()).toEqual([
        [4, 2, 3],
        [1, 4, 3],
      ]);
      w.requiresGrad = false;
      b.requiresGrad = false;
      x.requiresGrad = true;
      expect(backwardProducts()).toEqual([[3, 2, 4]]);
    } finally {
      setBackend(original);
    }
    expect(x.grad?.dtype).toBe('float64');
    expect(w.grad?.dtype).toBe('float32');
    expect(b.grad?.dtype).toBe('float32');
    // Σ_j W[j, i] = [12, 16] per row of x; Σ_r x[r, i] = [6, 9] per row of W; 3 rows twice for b.
    expectClose(x.grad!, [
      [12, 16],
      [12, 16],
      [12, 16],
    ]);
    expectClose(w.grad!, [
      [6, 9],
      [6, 9],
      [6, 9],
      [6, 9],
    ]);
    expectClose(b.grad!, [6, 6, 6, 6]);
  });

  it('throws InvalidArgumentError when x, weight or bias is not a Tensor', () => {
    const w = tensor([[1, 2]]);
    expect(() => linear([1, 2] as unknown as Tensor, w)).toThrow(InvalidArgumentError);
    expect(() => linear([1, 2] as unknown as Tensor, w)).toThrow(
      /^linear: x must be a Tensor; got an array\.$/,
    );
    expect(() => linear(tensor([1, 2]), 3 as unknown as Tensor)).toThrow(
      /^linear: weight must be a Tensor; got number\.$/,
    );
    expect(() => linear(tensor([1, 2]), w, [1] as unknown as Tensor)).toThrow(
      /^linear: bias must be a Tensor; got an array\.$/,
    );
  });

  it('throws ShapeError when x is 0-d', () => {
    expect(() => linear(tensor(2), tensor([[1]]))).toThrow(ShapeError);
    expect(() => linear(tensor(2), tensor([[1]]))).toThrow(
      /^linear: x must have shape \(\.\.\., in\) with at least 1 axis; got \(\)\.$/,
    );
  });

  it('throws ShapeError when weight is not 2-D', () => {
    expect(() => linear(tensor([1, 2]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => linear(tensor([1, 2]), tensor([1, 2]))).toThrow(
      /^linear: weight must have shape \(out, in\); got \(2\)\.$/,
    );
    expect(() => linear(tensor([1, 2]), tensor([[[1, 2]]]))).toThrow(/got \(1, 1, 2\)\.$/);
  });

  it('throws ShapeError naming both shapes when the in features differ', () => {
    const x = tensor(new Array<number>(6).fill(0), { shape: [2, 3] });
    const w = tensor(new Array<number>(20).fill(0), { shape: [4, 5] });
    expect(() => linear(x, w)).toThrow(ShapeError);
    expect(() => linear(x, w)).toThrow(
      /^linear: x \(2, 3\) and weight \(4, 5\) have mismatched in features \(3 vs 5\)\.$/,
    );
  });

  it('throws ShapeError naming both shapes when bias is not (out)', () => {
    const x = tensor([[1, 2]]);
    const w = tensor(new Array<number>(6).fill(0), { shape: [3, 2] });
    expect(() => linear(x, w, tensor([1, 2]))).toThrow(ShapeError);
    expect(() => linear(x, w, tensor([1, 2]))).toThrow(
      /^linear: bias must have shape \(3\) for weight \(3, 2\); got \(2\)\.$/,
    );
    expect(() => linear(x, w, tensor([[1, 2, 3]]))).toThrow(/got \(1, 3\)\.$/);
  });
});

describe("linear with activation 'relu' (fused bias + ReLU)", () => {
  const relu = (v: number[]): number[] => v.map((y) => Math.max(y, 0));

  it('equals relu(linear(x, W, b)) exactly, forward, with and without bias', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const x = tensor(c.x, { shape: [...c.lead, c.inFeatures] });
        const w = tensor(c.w, { shape: [c.outFeatures, c.inFeatures] });
        const b = c.hasBias ? tensor(c.b) : null;
        const fused = linear(x, w, b, { activation: 'relu' });
        const plain = linear(x, w, b).toTypedArray();
        expect(fused.shape).toEqual([...c.lead, c.outFeatures]);
        expect([...fused.toTypedArray()]).toEqual(relu([...plain]));
      }),
      { numRuns: 60 },
    );
  });

  it('has gradients in x, weight and bias matching finite differences', () => {
    // Inputs and weights ≥ 0.1 with a signed bias: every output stays ≥ 0.05 away from the kink.
    const x = tensor(ramp([2, 3, 4], 0.1, 0.2), { shape: [2, 3, 4], dtype: 'float64', requiresGrad: true });
    const w = tensor(ramp([5, 4], 0.05, 0.1), { shape: [5, 4], dtype: 'float64', requiresGrad: true });
    const b = tensor([-100, 0.5, -100, 1, 0.2], { dtype: 'float64', requiresGrad: true });
    checkGradients(
      (xs, ws, bs) => linear(xs!, ws!, bs, { activation: 'relu' }),
      [x, w, b],
      gradientTolerance,
    );
    // Outputs masked off by the ReLU pass no gradient to their bias entry.
    const b2 = tensor([-100, 0.5], { dtype: 'float64', requiresGrad: true });
    sum(
      linear(x.detach(), tensor(ramp([2, 4], 0.05, 0.1), { shape: [2, 4], dtype: 'float64' }), b2, {
        activation: 'relu',
      }),
    ).backward();
    expectClose(b2.grad!.toTypedArray()[0]!, 0, tolerance(0));
  });

  it('matches the unfused gradients (float32, mixed signs)', () => {
    const make = () => [
      tensor(
        ramp([6, 8], 0.37, -9).map((v) => Math.sin(v)),
        { shape: [6, 8], requiresGrad: true },
      ),
      tensor(
        ramp([16, 8], 0.53, -4).map((v) => Math.cos(v)),
        { shape: [16, 8], requiresGrad: true },
      ),
      tensor(ramp([16], 0.1, -0.8), { requiresGrad: true }),
    ];
    const [x1, w1, b1] = make() as [Tensor, Tensor, Tensor];
    const [x2, w2, b2] = make() as [Tensor, Tensor, Tensor];
    const g = tensor(ramp([6, 16], 0.01, -0.3), { shape: [6, 16] });
    linear(x1, w1, b1, { activation: 'relu' }).backward(g);
    const y = linear(x2, w2, b2);
    mul(
      y,
      tensor(
        relu([...y.toTypedArray()]).map((v) => (v > 0 ? 1 : 0)),
        { shape: [6, 16] },
      ),
    ).backward(g);
    for (const [a, e] of [
      [x1, x2],
      [w1, w2],
      [b1, b2],
    ] as const) {
      expectClose(a.grad!, e.grad!, tolerance(1e-6));
    }
  });

  it('throws for an unknown option or activation', () => {
    const x = tensor([[1, 2]]);
    const w = tensor([[1, 0]]);
    expect(() => linear(x, w, null, { activation: 'gelu' as 'relu' })).toThrow(
      /^linear: activation must be 'none' or 'relu'; got "gelu"\.$/,
    );
    expect(() => linear(x, w, null, { act: 'relu' } as unknown as { activation: 'relu' })).toThrow(
      InvalidArgumentError,
    );
  });
});
