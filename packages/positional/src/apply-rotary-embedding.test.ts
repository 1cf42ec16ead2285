import {
  InvalidArgumentError,
  mul,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  withArena,
  zeros,
} from '@attnkit/tensor';
import { checkGradients, expectClose, ropeRelativity, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, loopRope } from '../test/helpers.js';
import { applyRotaryEmbedding } from './apply-rotary-embedding.js';
import { rotaryTables } from './rotary-tables.js';

const int32 = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });
const f64 = (values: number[], shape: number[]) => tensor(values, { shape, dtype: 'float64' });

/** Arbitrary RoPE inputs: x (lead..., n, headDim) float64, rotaryDim even ≤ headDim. */
const ropeInputs = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
    n: fc.integer({ min: 1, max: 5 }),
    pairs: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 2 }),
    offset: fc.integer({ min: 0, max: 50 }),
    interleaved: fc.boolean(),
  })
  .chain((c) =>
    fc.record({
      x: tensors({ shape: [...c.lead, c.n, 2 * c.pairs + c.extra], dtype: 'float64' }),
      rotaryDim: fc.constant(2 * c.pairs),
      offset: fc.constant(c.offset),
      interleaved: fc.constant(c.interleaved),
    }),
  );

describe('applyRotaryEmbedding', () => {
  it('rotates pairs (x_j, x_j+r/2) by m·θ_j in the half-split layout (hand-computed)', () => {
    // Position 1, θ = [1, 0.01]: (x0, x2) rotated by 1 rad, (x1, x3) by 0.01 rad.
    const out = applyRotaryEmbedding(f64([1, 2, 3, 4], [1, 4]), { positions: int32([1]) });
    const expected = [-1.9841106485555495, 1.959900667496664, 2.4623779024123156, 4.019799668334994];
    expectClose(flat(out), expected, { atol: 1e-15, rtol: 0 });
  });

  it('rotates pairs (x_2j, x_2j+1) with interleaved: true (hand-computed)', () => {
    const out = applyRotaryEmbedding(f64([1, 2, 3, 4], [1, 4]), { positions: int32([1]), interleaved: true });
    const expected = [-1.1426396637476532, 1.922075596544176, 2.9598506679133294, 4.029799501669161];
    expectClose(flat(out), expected, { atol: 1e-15, rtol: 0 });
  });

  it('is the identity at position 0', () => {
    const x = tensor([[0.5, -1, 2, 3]]);
    expectClose(flat(applyRotaryEmbedding(x)), flat(x), { atol: 0, rtol: 0 });
    expectClose(flat(applyRotaryEmbedding(x, { interleaved: true })), flat(x), { atol: 0, rtol: 0 });
  });

  it('uses positions offset … offset + n − 1 by default', () => {
    const x = f64([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    const byOffset = flat(applyRotaryEmbedding(x, { offset: 5 }));
    expectClose(byOffset, flat(applyRotaryEmbedding(x, { positions: int32([5, 6]) })), { atol: 0, rtol: 0 });
    expectClose(
      byOffset,
      loopRope(flat(x), 4, (row) => 5 + row),
      { atol: 1e-15, rtol: 0 },
    );
  });

  it('gives the same tables from its cache across calls, scopes, dtypes and more offsets than it keeps', () => {
    // Default positions reuse cached cos/sin tables; explicit positions are computed afresh.
    const x = tensor(
      Array.from({ length: 2 * 5 * 8 }, (_, i) => Math.sin(i)),
      { shape: [2, 5, 8] },
    );
    const explicit = (offset: number) =>
      applyRotaryEmbedding(x, {
        positions: tensor(
          [0, 1, 2, 3, 4].map((p) => p + offset),
          { dtype: 'int32' },
        ),
      });
    for (let round = 0; round < 2; round++) {
      // 40 offsets: more than the cache keeps, so entries are evicted and computed again.
      for (let offset = 0; offset < 40; offset++) {
        const got = withArena(() => flat(applyRotaryEmbedding(x, { offset })));
        expectClose(got, flat(explicit(offset)), { atol: 0, rtol: 0 });
      }
    }
    const x64 = tensor(flat(x), { shape: [2, 5, 8], dtype: 'float64' });
    const a = flat(applyRotaryEmbedding(x64, { offset: 3 }));
    const b = flat(applyRotaryEmbedding(x64, { positions: tensor([3, 4, 5, 6, 7], { dtype: 'int32' }) }));
    expectClose(a, b, { atol: 0, rtol: 0 });
    expectClose(
      flat(applyRotaryEmbedding(x, { offset: 3, rotaryDim: 4 })),
      flat(applyRotaryEmbedding(x, { positions: tensor([3, 4, 5, 6, 7], { dtype: 'int32' }), rotaryDim: 4 })),
      { atol: 0, rtol: 0 },
    );
  });

  it('leaves the features past rotaryDim unchanged (partial rotary)', () => {
    const x = f64([1, 2, 3, 4, 5, 6], [1, 6]);
    const out = flat(applyRotaryEmbedding(x, { positions: int32([3]), rotaryDim: 4 }));
    expectClose(out.slice(4), [5, 6], { atol: 0, rtol: 0 });
    expectClose(
      out,
      loopRope(flat(x), 6, () => 3, { rotaryDim: 4 }),
      { atol: 1e-15, rtol: 0 },
    );
  });

  it('uses the given base', () => {
    const x = f64([1, 2, 3, 4], [1, 4]);
    const out = flat(applyRotaryEmbedding(x, { positions: int32([7]), base: 100 }));
    expectClose(
      out,
      loopRope(flat(x), 4, () => 7, { base: 100 }),
      { atol: 1e-15, rtol: 0 },
    );
  });

  it('takes per-batch positions (batch, positions) and broadcasts them over heads', () => {
    // x (batch 2, heads 3, positions 2, headDim 4); positions differ per batch (left padding).
    const values = Array.from({ length: 48 }, (_, i) => Math.sin(i + 1));
    const x = f64(values, [2, 3, 2, 4]);
    const positions = [
      [0, 1],
      [4, 9],
    ];
    const out = flat(applyRotaryEmbedding(x, { positions: int32(positions) }));
    const expected = loopRope(values, 4, (row) => positions[Math.floor(row / 6)]![row % 2]!);
    expectClose(out, expected, { atol: 1e-15, rtol: 0 });
    // Rank 3 (batch, positions, headDim) takes them directly.
    const x3 = f64(values.slice(0, 16), [2, 2, 4]);
    const out3 = flat(applyRotaryEmbedding(x3, { positions: int32(positions), interleaved: true }));
    const expected3 = loopRope(values.slice(0, 16), 4, (row) => positions[row >> 1]![row % 2]!, {
      interleaved: true,
    });
    expectClose(out3, expected3, { atol: 1e-15, rtol: 0 });
  });

  it('gives the same result from precomputed tables, whose width sets rotaryDim', () => {
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => Math.cos(i)),
      { shape: [2, 2, 6] },
    );
    const { cos, sin } = rotaryTables(16, 4);
    const fromTables = flat(applyRotaryEmbedding(x, { cos, sin, offset: 9 }));
    const computed = flat(applyRotaryEmbedding(x, { offset: 9, rotaryDim: 4 }));
    expectClose(fromTables, computed, { atol: 1e-7, rtol: 0 });
    expectClose(
      fromTables,
      loopRope(flat(x), 6, (row) => 9 + (row % 2), { rotaryDim: 4 }),
      { atol: 1e-6, rtol: 0 },
    );
  });

  it('keeps float32 inputs float32 and promotes to float64 with float64 tables', () => {
    const x = tensor([[1, 2, 3, 4]]);
    expect(applyRotaryEmbedding(x).dtype).toBe('float32');
    const { cos, sin } = rotaryTables(2, 4, { dtype: 'float64' });
    expect(applyRotaryEmbedding(x, { cos, sin }).dtype).toBe('float64');
  });

  it('matches the explicit loop for any shape, rotaryDim, offset and layout', () => {
    fc.assert(
      fc.property(ropeInputs, ({ x, rotaryDim, offset, interleaved }) => {
        const headDim = x.shape[x.ndim - 1]!;
        const n = x.shape[x.ndim - 2]!;
        const out = applyRotaryEmbedding(x, { offset, rotaryDim, interleaved });
        expect(out.shape).toEqual(x.shape);
        const expected = loopRope(flat(x), headDim, (row) => offset + (row % n), { rotaryDim, interleaved });
        expectClose(flat(out), expected, { atol: 1e-12, rtol: 0 });
      }),
    );
  });

  it('preserves the norm of every vector', () => {
    fc.assert(
      fc.property(ropeInputs, ({ x, rotaryDim, offset, interleaved }) => {
        const headDim = x.shape[x.ndim - 1]!;
        const before = flat(x);
        const after = flat(applyRotaryEmbedding(x, { offset, rotaryDim, interleaved }));
        for (let row = 0; row * headDim < before.length; row++) {
          const norm = (v: number[]) => Math.hypot(...v.slice(row * headDim, (row + 1) * headDim));
          expect(Math.abs(norm(after) - norm(before))).toBeLessThan(1e-12 * (1 + norm(before)));
        }
      }),
    );
  });

  it('makes scores depend on m − n only, in both layouts (ropeRelativity)', () => {
    fc.assert(ropeRelativity((x, positions) => applyRotaryEmbedding(x, { positions })));
    fc.assert(ropeRelativity((x, positions) => applyRotaryEmbedding(x, { positions, interleaved: true })));
    const f64Options = { dtype: 'float64', atol: 1e-10, maxPosition: 4096, maxShift: 4096 } as const;
    fc.assert(ropeRelativity((x, positions) => applyRotaryEmbedding(x, { positions }), f64Options));
  });

  it('matches central differences in both layouts, with partial rotary and batched positions', () => {
    const x = tensor(
      Array.from({ length: 2 * 2 * 3 * 6 }, (_, i) => Math.sin(0.7 * i)),
      { shape: [2, 2, 3, 6], requiresGrad: true },
    );
    const positions = int32([
      [2, 3, 4],
      [0, 7, 1],
    ]);
    for (const interleaved of [false, true]) {
      checkGradients((t) => applyRotaryEmbedding(t, { positions, rotaryDim: 4, interleaved }), [x]);
    }
  });

  it('passes back the inversely rotated gradient Rᵀ·g', () => {
    const x = tensor(
      Array.from({ length: 8 }, (_, i) => i),
      { shape: [2, 4], dtype: 'float64', requiresGrad: true },
    );
    const g = f64([0.3, -1, 2, 0.5, 1, 1, -2, 0.25], [2, 4]);
    sum(mul(applyRotaryEmbedding(x, { offset: 11 }), g)).backward();
    const grad = flat(x.grad as Tensor);
    // Rᵀ·g: rotating it forward again gives g back.
    const reRotated = loopRope(grad, 4, (row) => 11 + row);
    expectClose(reRotated, flat(g), { atol: 1e-12, rtol: 0 });
  });

  it('throws InvalidArgumentError when x is not floating', () => {
    expect(() => applyRotaryEmbedding(tensor([[1, 2]], { dtype: 'int32' }))).toThrow(
      /x must have dtype float32 or float64; got int32/,
    );
  });

  it('throws ShapeError when x has fewer than 2 axes', () => {
    expect(() => applyRotaryEmbedding(tensor([1, 2]))).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for an odd rotaryDim', () => {
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { rotaryDim: 3 })).toThrow(
      /rotaryDim must be an even integer ≥ 2; got 3/,
    );
    expect(() => applyRotaryEmbedding(zeros([2, 5]))).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when rotaryDim exceeds headDim', () => {
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { rotaryDim: 6 })).toThrow(/at most headDim 4; got 6/);
  });

  it('throws InvalidArgumentError when only one table is given or base is invalid', () => {
    const { cos } = rotaryTables(4, 4);
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { cos })).toThrow(/cos and sin must be given together/);
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { base: -1 })).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when the tables are not (maxPos, rotaryDim / 2)', () => {
    const { cos, sin } = rotaryTables(4, 4);
    const wide = rotaryTables(4, 6);
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { cos, sin: wide.sin })).toThrow(ShapeError);
    expect(() => applyRotaryEmbedding(zeros([2, 8]), { cos, sin, rotaryDim: 8 })).toThrow(
      /cos and sin must have shape \(maxPos, 4\) for rotaryDim 8; got \(4, 2\)/,
    );
  });

  it('throws InvalidArgumentError for non-int32 or negative positions, or positions with offset', () => {
    const x = zeros([2, 4]);
    expect(() => applyRotaryEmbedding(x, { positions: tensor([0, 1]) })).toThrow(
      /positions must have dtype int32/,
    );
    expect(() => applyRotaryEmbedding(x, { positions: int32([0, -1]) })).toThrow(
      /positions must be ≥ 0; got -1/,
    );
    expect(() => applyRotaryEmbedding(x, { positions: int32([0, 1]), offset: 2 })).toThrow(
      /either positions or offset, not both/,
    );
  });

  it('throws ShapeError when positions do not match x', () => {
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { positions: int32([0, 1, 2]) })).toThrow(ShapeError);
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { positions: int32([[0, 1]]) })).toThrow(ShapeError);
    expect(() => applyRotaryEmbedding(zeros([3, 2, 4]), { positions: int32([[0, 1]]) })).toThrow(
      /positions must have shape \(2\) or \(3, 2\); got \(1, 2\)/,
    );
  });

  it('throws InvalidArgumentError for a negative or fractional offset', () => {
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { offset: -3 })).toThrow(
      /offset must be an integer ≥ 0; got -3/,
    );
  });

  it('throws InvalidArgumentError when a position is beyond the tables', () => {
    const { cos, sin } = rotaryTables(4, 4);
    expect(() => applyRotaryEmbedding(zeros([2, 4]), { cos, sin, offset: 3 })).toThrow(
      /position 4 \(flat index 1\) is beyond the tables; cos and sin have 4 rows/,
    );
  });
});
