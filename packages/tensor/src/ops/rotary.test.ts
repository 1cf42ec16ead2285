import { checkGradients, expectClose, relativePositionByRotation, ropeRelativity } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finite, gradientTolerance, stridedTensor, tolerance, unravel } from '../../test/helpers.js';
import type { DType } from '../dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { tensor } from './creation.js';
import { eye } from './eye.js';
import { mul } from './mul.js';
import { permute } from './permute.js';
import { reshape } from './reshape.js';
import { rotary } from './rotary.js';
import { sum } from './sum.js';
import { transpose } from './transpose.js';

/** One case: x of shape (batch, heads, positions, d), cos/sin of a shape broadcasting to its rows. */
interface RotaryCase {
  xShape: number[];
  cosShape: number[];
  half: number;
  interleaved: boolean;
  strided: boolean;
  x: number[];
  angles: number[];
}

/** x (batch, heads, positions, 2·half + extra); cos/sin with some leading axes 1 or dropped. */
const cases: fc.Arbitrary<RotaryCase> = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 }),
    half: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 2 }),
    ones: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    drop: fc.integer({ min: 0, max: 3 }),
    interleaved: fc.boolean(),
    strided: fc.boolean(),
  })
  .chain(({ lead, half, extra, ones, drop, interleaved, strided }) => {
    const xShape = [...lead, 2 * half + extra];
    const cosShape = [...lead.map((n, i) => (ones[i] ? 1 : n)).slice(drop), half];
    return fc.record({
      xShape: fc.constant(xShape),
      cosShape: fc.constant(cosShape),
      half: fc.constant(half),
      interleaved: fc.constant(interleaved),
      strided: fc.constant(strided),
      x: fc.array(finite(-2, 2), { minLength: shapeSize(xShape), maxLength: shapeSize(xShape) }),
      angles: fc.array(finite(-4, 4), { minLength: shapeSize(cosShape), maxLength: shapeSize(cosShape) }),
    });
  });

/** Flat index into row-major `shape` of the broadcast multi-index `idx` (trailing-aligned). */
function broadcastIndex(shape: readonly number[], idx: readonly number[]): number {
  const lead = idx.length - shape.length;
  let flat = 0;
  for (let k = 0; k < shape.length; k++) flat = flat * shape[k]! + (shape[k] === 1 ? 0 : idx[lead + k]!);
  return flat;
}

/** The rotation taken literally, row by row, in float64. */
function reference(
  x: readonly number[],
  xShape: readonly number[],
  cos: readonly number[],
  sin: readonly number[],
  cosShape: readonly number[],
  interleaved: boolean,
): number[] {
  const d = xShape[xShape.length - 1]!;
  const half = cosShape[cosShape.length - 1]!;
  const rowShape = xShape.slice(0, -1);
  const out = x.slice();
  for (let row = 0; row < shapeSize(rowShape); row++) {
    const idx = unravel(row, rowShape);
    for (let j = 0; j < half; j++) {
      const t = broadcastIndex(cosShape, [...idx, j]);
      const [ia, ib] = interleaved ? [2 * j, 2 * j + 1] : [j, j + half];
      const a = x[row * d + ia]!;
      const b = x[row * d + ib]!;
      out[row * d + ia] = a * cos[t]! - b * sin[t]!;
      out[row * d + ib] = b * cos[t]! + a * sin[t]!;
    }
  }
  return out;
}

function inputs(c: RotaryCase, dtype: DType = 'float64'): [Tensor, Tensor, Tensor] {
  const x = c.strided ? stridedTensor(c.x, c.xShape, dtype) : tensor(c.x, { shape: c.xShape, dtype });
  const cos = tensor(c.angles.map(Math.cos), { shape: c.cosShape, dtype });
  const sin = tensor(c.angles.map(Math.sin), { shape: c.cosShape, dtype });
  return [x, cos, sin];
}

/** θ_j = 10000^(−2j/d) for j < d/2 (RoFormer eq. 15). */
function frequencies(d: number): number[] {
  return Array.from({ length: d / 2 }, (_, j) => 10000 ** ((-2 * j) / d));
}

/** cos and sin of p·θ_j for each position p, `(positions.length, d/2)`. */
function tables(positions: readonly number[], d: number, dtype: DType): [Tensor, Tensor] {
  const angles = positions.flatMap((p) => frequencies(d).map((t) => p * t));
  const shape = [positions.length, d / 2];
  return [tensor(angles.map(Math.cos), { shape, dtype }), tensor(angles.map(Math.sin), { shape, dtype })];
}

describe('rotary', () => {
  it('rotates pairs (x_j, x_{j+half}) by the given angles (hand-computed)', () => {
    // Angles π/2 and π: (x0, x2) = (1, 3) -> (−3, 1) and (x1, x3) = (2, 4) -> (−2, −4).
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64' });
    const out = rotary(x, tensor([[0, -1]], { dtype: 'float64' }), tensor([[1, 0]], { dtype: 'float64' }));
    expect(out.shape).toEqual([1, 4]);
    expectClose(out.toTypedArray(), [-3, -2, 1, -4], tolerance(1e-12));
  });

  it('rotates pairs (x_2j, x_2j+1) with interleaved: true (hand-computed)', () => {
    // Angles π/2 and π: (x0, x1) = (1, 2) -> (−2, 1) and (x2, x3) = (3, 4) -> (−3, −4).
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64' });
    const cos = tensor([[0, -1]], { dtype: 'float64' });
    const sin = tensor([[1, 0]], { dtype: 'float64' });
    expectClose(rotary(x, cos, sin, { interleaved: true }).toTypedArray(), [-2, 1, -3, -4], tolerance(1e-12));
  });

  it('passes the features from 2·half on through unchanged (partial rotary)', () => {
    // half = 1 of d = 4: only (x0, x1) rotates, by π/2 -> (−2, 1); x2, x3 are copied.
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64' });
    const out = rotary(x, tensor([[0]], { dtype: 'float64' }), tensor([[1]], { dtype: 'float64' }));
    expectClose(out.toTypedArray(), [-2, 1, 3, 4], tolerance(1e-12));
  });

  it('matches the explicit loop in both layouts, with partial rotary and cos/sin broadcast over batch and heads', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const [x, cos, sin] = inputs(c);
        const out = rotary(x, cos, sin, { interleaved: c.interleaved });
        expect(out.shape).toEqual(c.xShape);
        expect(out.dtype).toBe('float64');
        const expected = reference(
          c.x,
          c.xShape,
          c.angles.map(Math.cos),
          c.angles.map(Math.sin),
          c.cosShape,
          c.interleaved,
        );
        expectClose(out.toTypedArray(), expected, tolerance(1e-12));
      }),
    );
  });

  it('rotates each sequence by its own positions with cos/sin of shape (batch, 1, positions, half)', () => {
    // Batch 0 at positions [0, 1], batch 1 at [5, 9]; 2 heads share them; d = 4, half = 2.
    const values = Array.from({ length: 2 * 2 * 2 * 4 }, (_, i) => (i % 7) - 3);
    const x = tensor(values, { shape: [2, 2, 2, 4], dtype: 'float64' });
    const positions = [0, 1, 5, 9];
    const [cos, sin] = tables(positions, 4, 'float64');
    const shape = [2, 1, 2, 2];
    const out = rotary(x, cos.reshape(shape), sin.reshape(shape));
    const expected = reference(
      values,
      [2, 2, 2, 4],
      Array.from(cos.toTypedArray()),
      Array.from(sin.toTypedArray()),
      shape,
      false,
    );
    expectClose(out.toTypedArray(), expected, tolerance(1e-12));
    // Position 0 is the identity: batch 0, head 1, step 0 is unchanged.
    expectClose(out.toTypedArray().slice(8, 12), values.slice(8, 12), tolerance(1e-12));
  });

  it('keeps float32 inputs float32 and promotes to float64 with float64 cos and sin', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const [x] = inputs(c, 'float32');
        const [, cos, sin] = inputs(c, 'float64');
        const out32 = rotary(x, cos.cast('float32'), sin.cast('float32'), { interleaved: c.interleaved });
        expect(out32.dtype).toBe('float32');
        const xs = Array.from(x.toTypedArray());
        const c32 = Array.from(cos.cast('float32').toTypedArray());
        const s32 = Array.from(sin.cast('float32').toTypedArray());
        const expected = reference(xs, c.xShape, c32, s32, c.cosShape, c.interleaved);
        expectClose(out32.toTypedArray(), expected, tolerance(1e-6));
        const out64 = rotary(x, cos, sin, { interleaved: c.interleaved });
        expect(out64.dtype).toBe('float64');
      }),
      { numRuns: 30 },
    );
  });

  it('preserves the norm of every rotated pair', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const [x, cos, sin] = inputs(c);
        const y = rotary(x, cos, sin, { interleaved: c.interleaved }).toTypedArray();
        const d = c.xShape[3]!;
        for (let row = 0; row < c.x.length / d; row++) {
          for (let j = 0; j < c.half; j++) {
            const [ia, ib] = c.interleaved ? [2 * j, 2 * j + 1] : [j, j + c.half];
            const [p, q] = [row * d + ia, row * d + ib];
            expect(Math.hypot(y[p]!, y[q]!)).toBeCloseTo(Math.hypot(c.x[p]!, c.x[q]!), 10);
          }
        }
      }),
    );
  });

  it('restores x when rotating by θ and then by −θ', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const [x, cos, sin] = inputs(c);
        const negSin = tensor(
          c.angles.map((a) => Math.sin(-a)),
          { shape: c.cosShape, dtype: 'float64' },
        );
        const options = { interleaved: c.interleaved };
        const back = rotary(rotary(x, cos, sin, options), cos, negSin, options);
        expectClose(back.toTypedArray(), c.x, tolerance(1e-12));
      }),
    );
  });

  it('makes q·k depend only on the position difference, in both layouts (ropeRelativity)', () => {
    for (const interleaved of [false, true]) {
      const applyRope = (x: Tensor, positions: Tensor): Tensor => {
        const [cos, sin] = tables(Array.from(positions.toTypedArray()), x.shape[1]!, x.dtype);
        return rotary(x, cos, sin, { interleaved });
      };
      fc.assert(ropeRelativity(applyRope));
      fc.assert(ropeRelativity(applyRope, { dtype: 'float64', atol: 1e-12 }));
    }
  });

  it('encodes position i + δ as a fixed rotation of position i (relativePositionByRotation)', () => {
    for (const interleaved of [false, true]) {
      // Row i: a fixed vector rotated by i·θ. Row k of M(δ): e_k rotated by δ·θ, so P[i]·M(δ) = R(δθ)·P[i].
      const encoding = (maxLen: number, d: number): Tensor => {
        const v = Array.from({ length: maxLen * d }, (_, k) => 1 + (k % d));
        const [cos, sin] = tables(
          Array.from({ length: maxLen }, (_, i) => i),
          d,
          'float64',
        );
        return rotary(tensor(v, { shape: [maxLen, d], dtype: 'float64' }), cos, sin, { interleaved });
      };
      const rotation = (delta: number, d: number): Tensor => {
        const [cos, sin] = tables([delta], d, 'float64');
        return rotary(eye(d, d, { dtype: 'float64' }), cos, sin, { interleaved });
      };
      fc.assert(relativePositionByRotation(encoding, rotation, { atol: 1e-9 }));
    }
  });

  it('gives the hand-computed gradients of one pair', () => {
    // (a, b) = (1, 2), cos = c, sin = s, g = (1, 0): dx = (c, −s), dcos = g_a·a = 1, dsin = −g_a·b = −2.
    const [c, s] = [0.6, 0.8];
    const x = tensor([[1, 2]], { dtype: 'float64', requiresGrad: true });
    const cos = tensor([[c]], { dtype: 'float64', requiresGrad: true });
    const sin = tensor([[s]], { dtype: 'float64', requiresGrad: true });
    rotary(x, cos, sin).backward(tensor([[1, 0]], { dtype: 'float64' }));
    expectClose(x.grad!.toTypedArray(), [c, -s], tolerance(1e-12));
    expectClose(cos.grad!.toTypedArray(), [1], tolerance(1e-12));
    expectClose(sin.grad!.toTypedArray(), [-2], tolerance(1e-12));
  });

  it('has gradients in x, cos and sin matching finite differences, summed over broadcast axes', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const x = tensor(c.x, { shape: c.xShape, dtype: 'float64', requiresGrad: true });
        const cos = tensor(c.angles.map(Math.cos), {
          shape: c.cosShape,
          dtype: 'float64',
          requiresGrad: true,
        });
        const sin = tensor(c.angles.map(Math.sin), {
          shape: c.cosShape,
          dtype: 'float64',
          requiresGrad: true,
        });
        checkGradients(
          (xs, cs, ss) => rotary(xs!, cs!, ss!, { interleaved: c.interleaved }),
          [x, cos, sin],
          gradientTolerance,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('passes gradients through a non-contiguous x and to x alone when cos and sin do not require them', () => {
    // x is the transpose of a (d, positions) leaf, so the op reads it through contiguous().
    const leaf = tensor([0.3, -1, 2, 0.5, 1.5, -0.7, 0.2, 1, -2, 0.4, 0.9, -0.1], {
      shape: [4, 3],
      dtype: 'float64',
      requiresGrad: true,
    });
    const [cos, sin] = tables([2, 3, 7], 4, 'float64');
    for (const interleaved of [false, true]) {
      checkGradients((t) => rotary(transpose(t!), cos, sin, { interleaved }), [leaf], gradientTolerance);
    }
    expect(cos.grad).toBeNull();
    expect(sin.grad).toBeNull();
  });

  it("stores the rotation of a head-split view, and its gradient, in the view's (batch, n, heads, d) order", () => {
    const [batch, n, heads, d] = [2, 3, 2, 4];
    const leaf = tensor(
      Array.from({ length: batch * n * heads * d }, (_, i) => Math.sin(i)),
      { shape: [batch, n, heads * d], requiresGrad: true },
    );
    const x = permute(reshape(leaf, [batch, n, heads, d]), [0, 2, 1, 3]);
    const [cos, sin] = tables([0, 1, 2], d, 'float32');
    const y = rotary(x, cos, sin);
    expect(y.isContiguous()).toBe(false);
    expect(permute(y, [0, 2, 1, 3]).isContiguous()).toBe(true);
    const [dx] = y._node!.backward(y) as Tensor[];
    expect(permute(dx!, [0, 2, 1, 3]).isContiguous()).toBe(true);
    // A contiguous x keeps the row-major result.
    expect(rotary(x.contiguous(), cos, sin).isContiguous()).toBe(true);
  });

  it('rotates a head-split view (batch, heads, n, d) of (batch, n, heads·d) exactly as its copy, values and gradients', () => {
    // MultiHeadAttention's layout: the op reads the permuted view through strides, no copy.
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          n: fc.integer({ min: 1, max: 5 }),
          heads: fc.integer({ min: 1, max: 3 }),
          half: fc.integer({ min: 1, max: 3 }),
          extra: fc.integer({ min: 0, max: 2 }),
          interleaved: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        ({ batch, n, heads, half, extra, interleaved, seed }) => {
          const d = 2 * half + extra;
          const values = Array.from({ length: batch * n * heads * d }, (_, i) => Math.sin(seed + 1.7 * i));
          const [cos, sin] = tables(
            Array.from({ length: n }, (_, i) => i),
            2 * half,
            'float32',
          );
          const run = (copy: boolean) => {
            const leaf = tensor(values, { shape: [batch, n, heads * d], requiresGrad: true });
            const split = permute(reshape(leaf, [batch, n, heads, d]), [0, 2, 1, 3]);
            const x = copy ? split.contiguous() : split;
            const y = rotary(x, cos, sin, { interleaved });
            const weights = tensor(
              Array.from({ length: y.numel() }, (_, i) => Math.cos(3 * i)),
              { shape: y.shape },
            );
            sum(mul(y, weights)).backward();
            return { y: Array.from(y.toTypedArray()), grad: Array.from(leaf.grad!.toTypedArray()) };
          };
          const strided = run(false);
          const copied = run(true);
          // Same arithmetic in the same order: equal to the last bit, not just within tolerance.
          expect(strided.y).toEqual(copied.y);
          expect(strided.grad).toEqual(copied.grad);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('throws InvalidArgumentError when x, cos or sin is not a Tensor', () => {
    const t = tensor([[1, 0]]);
    expect(() => rotary([1, 2] as unknown as Tensor, t, t)).toThrow(InvalidArgumentError);
    expect(() => rotary(t, [1] as unknown as Tensor, t)).toThrow(
      /^rotary: cos must be a Tensor; got an array\.$/,
    );
    expect(() => rotary(t, t, null as unknown as Tensor)).toThrow(
      /^rotary: sin must be a Tensor; got null\.$/,
    );
  });

  it('throws InvalidArgumentError when x, cos or sin is not float32/float64', () => {
    const x = tensor([[1, 2]]);
    const c = tensor([[1]]);
    expect(() => rotary(tensor([[1, 2]], { dtype: 'int32' }), c, c)).toThrow(
      /^rotary: x must have dtype float32 or float64; got int32\.$/,
    );
    expect(() => rotary(x, tensor([[1]], { dtype: 'bool' }), c)).toThrow(InvalidArgumentError);
    expect(() => rotary(x, c, tensor([[0]], { dtype: 'int32' }))).toThrow(/^rotary: sin must have dtype/);
  });

  it('throws ShapeError when x has no axes', () => {
    expect(() => rotary(tensor(1), tensor([1]), tensor([0]))).toThrow(
      /^rotary: x must have shape \(\.\.\., positions, d\); got \(\)\.$/,
    );
  });

  it('throws ShapeError naming both shapes when cos and sin differ in shape', () => {
    const x = tensor([[1, 2, 3, 4]]);
    expect(() => rotary(x, tensor([[1, 1]]), tensor([[0]]))).toThrow(
      /^rotary: cos and sin must have the same shape; got cos \(1, 2\) and sin \(1, 1\)\.$/,
    );
  });

  it('throws ShapeError when half is 0 or more than d / 2', () => {
    const x = tensor([[1, 2, 3, 4]]);
    const wide = tensor([[1, 1, 1]]);
    expect(() => rotary(x, wide, wide)).toThrow(
      /^rotary: cos must have shape \(\.\.\., half\) with 1 ≤ half ≤ 2 \(d = 4\); got \(1, 3\)\.$/,
    );
    const empty = tensor([], { shape: [1, 0] });
    expect(() => rotary(x, empty, empty)).toThrow(ShapeError);
    expect(() => rotary(tensor([[1]]), tensor([[1]]), tensor([[0]]))).toThrow(ShapeError);
  });

  it('throws ShapeError when the leading axes of cos do not broadcast to those of x', () => {
    const x = tensor(new Array<number>(2 * 3 * 4).fill(1), { shape: [2, 3, 4] });
    const c = tensor(new Array<number>(2 * 2 * 2).fill(1), { shape: [2, 2, 2] });
    expect(() => rotary(x, c, c)).toThrow(
      /^rotary: cos must have shape broadcastable to \(2, 3, 2\); got \(2, 2, 2\)\.$/,
    );
    // More axes than x.
    const deep = tensor([1, 1], { shape: [1, 1, 1, 2] });
    expect(() => rotary(x, deep, deep)).toThrow(ShapeError);
  });
});
