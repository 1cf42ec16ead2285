import { ShapeError, tensor, zeros } from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { relativeAttentionOutput } from './relative-attention-output.js';

const f64 = { dtype: 'float64' } as const;

describe('relativeAttentionOutput', () => {
  it('adds Σ_j α_ij a^V_ij to α·V (hand-computed)', () => {
    const weights = tensor([[0.25, 0.75]], f64);
    const values = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      f64,
    );
    const relValues = tensor(
      [
        [
          [10, 0],
          [0, 100],
        ],
      ],
      f64,
    );
    // α·V = [2.5, 3.5]; Σ α a = [2.5, 75].
    expectClose(flat(relativeAttentionOutput(weights, values, relValues)), [5, 78.5], { atol: 0, rtol: 0 });
  });

  it('is α·V without relValues', () => {
    const out = relativeAttentionOutput(
      tensor([[0.5, 0.5]], f64),
      tensor(
        [
          [2, 0],
          [0, 4],
        ],
        f64,
      ),
    );
    expectClose(flat(out), [1, 2], { atol: 0, rtol: 0 });
  });

  it('matches Σ_j α_ij (v_j + a_ij) for any batch axes', () => {
    const inputs = fc
      .record({
        lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        q: fc.integer({ min: 1, max: 4 }),
        n: fc.integer({ min: 1, max: 4 }),
        v: fc.integer({ min: 1, max: 4 }),
      })
      .chain(({ lead, q, n, v }) =>
        fc.tuple(
          tensors({ shape: [...lead, q, n], dtype: 'float64' }),
          tensors({ shape: [...lead, n, v], dtype: 'float64' }),
          tensors({ shape: [q, n, v], dtype: 'float64' }),
        ),
      );
    fc.assert(
      fc.property(inputs, ([W, V, A]) => {
        const [q, n] = W.shape.slice(-2) as [number, number];
        const v = V.shape[V.ndim - 1]!;
        const [ws, vs, as] = [flat(W), flat(V), flat(A)];
        const expected: number[] = [];
        for (let b = 0; b * q * n < ws.length; b++) {
          for (let i = 0; i < q; i++) {
            for (let c = 0; c < v; c++) {
              let z = 0;
              for (let j = 0; j < n; j++) {
                z += ws[(b * q + i) * n + j]! * (vs[(b * n + j) * v + c]! + as[(i * n + j) * v + c]!);
              }
              expected.push(z);
            }
          }
        }
        const out = relativeAttentionOutput(W, V, A);
        expect(out.shape).toEqual([...W.shape.slice(0, -1), v]);
        expectClose(flat(out), expected, { atol: 1e-10, rtol: 0 });
      }),
    );
  });

  it('matches central differences for weights, values and relValues', () => {
    const t = (shape: number[], s: number) =>
      tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(s + i)),
        { shape, requiresGrad: true },
      );
    checkGradients(relativeAttentionOutput, [t([2, 3, 2], 0), t([2, 2, 4], 1), t([3, 2, 4], 2)]);
  });

  it('throws ShapeError when weights or values have fewer than 2 axes or the keys axes differ', () => {
    expect(() => relativeAttentionOutput(zeros([3]), zeros([3, 2]))).toThrow(
      /weights must have shape \(\.\.\., queries, keys\); got \(3\)/,
    );
    expect(() => relativeAttentionOutput(zeros([2, 3]), zeros([4, 2]))).toThrow(
      /values must have shape \(\.\.\., 3, v\) to match weights \(2, 3\); got \(4, 2\)/,
    );
  });

  it('throws ShapeError when relValues is not (queries, keys, v)', () => {
    expect(() => relativeAttentionOutput(zeros([2, 3]), zeros([3, 5]), zeros([2, 3, 4]))).toThrow(
      /relValues must have shape \(2, 3, 5\); got \(2, 3, 4\)/,
    );
  });

  it('throws ShapeError when the batch axes do not broadcast', () => {
    expect(() => relativeAttentionOutput(zeros([2, 1, 3]), zeros([3, 3, 2]))).toThrow(ShapeError);
  });
});
