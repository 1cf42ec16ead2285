import { ShapeError, tensor, zeros } from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { relativeAttentionScores } from './relative-attention-scores.js';

const f64 = { dtype: 'float64' } as const;

describe('relativeAttentionScores', () => {
  it('adds q_i·a_ij to q_i·k_j (hand-computed)', () => {
    const q = tensor([[1, 2]], f64);
    const k = tensor(
      [
        [1, 0],
        [0, 1],
      ],
      f64,
    );
    const relKeys = tensor(
      [
        [
          [0.5, 0],
          [0, -1],
        ],
      ],
      f64,
    );
    // q·k = [1, 2]; q·a = [0.5, −2].
    expectClose(flat(relativeAttentionScores(q, k, relKeys)), [1.5, 0], { atol: 0, rtol: 0 });
  });

  it('does not divide by √d (the caller scales, as Shaw eq. 4 puts √d outside)', () => {
    const q = tensor([[2, 2, 2, 2]], f64);
    const k = tensor([[1, 1, 1, 1]], f64);
    expectClose(flat(relativeAttentionScores(q, k, zeros([1, 1, 4], f64))), [8], { atol: 0, rtol: 0 });
  });

  it('matches Σ_d q_id (k_jd + a_ijd) for any batch axes', () => {
    const inputs = fc
      .record({
        lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        q: fc.integer({ min: 1, max: 4 }),
        n: fc.integer({ min: 1, max: 4 }),
        d: fc.integer({ min: 1, max: 4 }),
      })
      .chain(({ lead, q, n, d }) =>
        fc.tuple(
          tensors({ shape: [...lead, q, d], dtype: 'float64' }),
          tensors({ shape: [...lead, n, d], dtype: 'float64' }),
          tensors({ shape: [q, n, d], dtype: 'float64' }),
        ),
      );
    fc.assert(
      fc.property(inputs, ([Q, K, A]) => {
        const [q, d] = Q.shape.slice(-2) as [number, number];
        const n = K.shape[K.ndim - 2]!;
        const [qs, ks, as] = [flat(Q), flat(K), flat(A)];
        const expected: number[] = [];
        for (let b = 0; b * q * d < qs.length; b++) {
          for (let i = 0; i < q; i++) {
            for (let j = 0; j < n; j++) {
              let e = 0;
              for (let c = 0; c < d; c++) {
                e += qs[(b * q + i) * d + c]! * (ks[(b * n + j) * d + c]! + as[(i * n + j) * d + c]!);
              }
              expected.push(e);
            }
          }
        }
        const out = relativeAttentionScores(Q, K, A);
        expect(out.shape).toEqual([...Q.shape.slice(0, -1), n]);
        expectClose(flat(out), expected, { atol: 1e-10, rtol: 0 });
      }),
    );
  });

  it('broadcasts keys over the queries batch axes', () => {
    const q = tensor([[[1, 0]], [[0, 1]]], f64); // (2, 1, 2)
    const k = tensor([[3, 4]], f64); // (1, 2)
    expectClose(flat(relativeAttentionScores(q, k, zeros([1, 1, 2]))), [3, 4], { atol: 0, rtol: 0 });
  });

  it('matches central differences for queries, keys and relKeys', () => {
    const t = (shape: number[], s: number) =>
      tensor(
        Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(s + i)),
        { shape, requiresGrad: true },
      );
    checkGradients(relativeAttentionScores, [t([2, 3, 4], 0), t([2, 2, 4], 1), t([3, 2, 4], 2)]);
  });

  it('throws ShapeError when queries or keys have fewer than 2 axes or their last axes differ', () => {
    expect(() => relativeAttentionScores(zeros([4]), zeros([2, 4]), zeros([1, 2, 4]))).toThrow(
      /queries must have shape \(\.\.\., queries, d\); got \(4\)/,
    );
    expect(() => relativeAttentionScores(zeros([1, 4]), zeros([2, 3]), zeros([1, 2, 4]))).toThrow(
      /keys must have shape \(\.\.\., keys, 4\)/,
    );
  });

  it('throws ShapeError when relKeys is not (queries, keys, d)', () => {
    expect(() => relativeAttentionScores(zeros([3, 4]), zeros([2, 4]), zeros([2, 3, 4]))).toThrow(
      /relKeys must have shape \(3, 2, 4\); got \(2, 3, 4\)/,
    );
  });

  it('throws ShapeError when the batch axes do not broadcast', () => {
    expect(() => relativeAttentionScores(zeros([2, 1, 4]), zeros([3, 2, 4]), zeros([1, 2, 4]))).toThrow(
      ShapeError,
    );
  });
});
