import {
  InvalidArgumentError,
  matmul,
  permute,
  reshape,
  ShapeError,
  type Tensor,
  tensor,
  transpose,
  zeros,
} from '@attnkit/tensor';
import { checkGradients, expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat } from '../test/helpers.js';
import { applyRotaryEmbedding } from './apply-rotary-embedding.js';
import { permuteRotaryWeights, type RotaryLayout } from './permute-rotary-weights.js';

/** Rows 0 … n − 1 of a (n, 1) weight, so the result shows which input row went where. */
const rowIds = (n: number) =>
  tensor(
    Array.from({ length: n }, (_, i) => i),
    { shape: [n, 1] },
  );

/** Per-head RoPE attention scores (heads, n, n) of X (n, in) with projections Wq, Wk (heads·d, in). */
function scores(
  X: Tensor,
  Wq: Tensor,
  Wk: Tensor,
  numHeads: number,
  layout: RotaryLayout,
  offset = 0,
): number[] {
  const n = X.shape[0]!;
  const project = (W: Tensor) => {
    const heads = permute(reshape(matmul(X, transpose(W)), [n, numHeads, -1]), [1, 0, 2]); // (heads, n, d)
    return applyRotaryEmbedding(heads, { offset, interleaved: layout === 'interleaved' });
  };
  return flat(matmul(project(Wq), transpose(project(Wk))));
}

describe('permuteRotaryWeights', () => {
  it('moves interleaved row 2j + k to half-split row k·d/2 + j', () => {
    const out = permuteRotaryWeights(rowIds(6), { numHeads: 1, headDim: 6, from: 'interleaved', to: 'half' });
    expectClose(flat(out), [0, 2, 4, 1, 3, 5], { atol: 0, rtol: 0 });
  });

  it('applies the inverse from half to interleaved, head by head', () => {
    const out = permuteRotaryWeights(rowIds(8), { numHeads: 2, headDim: 4, from: 'half', to: 'interleaved' });
    expectClose(flat(out), [0, 2, 1, 3, 4, 6, 5, 7], { atol: 0, rtol: 0 });
  });

  it('permutes a 1-D bias the same way and keeps the columns of a weight together', () => {
    const bias = tensor([10, 11, 12, 13]);
    const options = { numHeads: 1, headDim: 4, from: 'interleaved', to: 'half' } as const;
    expectClose(flat(permuteRotaryWeights(bias, options)), [10, 12, 11, 13], { atol: 0, rtol: 0 });
    const W = tensor([
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
    ]);
    expectClose(flat(permuteRotaryWeights(W, options)), [0, 1, 4, 5, 2, 3, 6, 7], { atol: 0, rtol: 0 });
  });

  it('returns the weight itself when from equals to', () => {
    const W = zeros([4, 3]);
    expect(permuteRotaryWeights(W, { numHeads: 2, headDim: 2, from: 'half', to: 'half' })).toBe(W);
  });

  it('gives identical attention scores with the other layout (the HF LLaMA conversion)', () => {
    const inputs = fc
      .record({
        numHeads: fc.integer({ min: 1, max: 3 }),
        pairs: fc.integer({ min: 1, max: 3 }),
        inFeatures: fc.integer({ min: 1, max: 4 }),
        n: fc.integer({ min: 1, max: 4 }),
        offset: fc.integer({ min: 0, max: 100 }),
        from: fc.constantFrom<RotaryLayout>('interleaved', 'half'),
      })
      .chain((c) => {
        const out = c.numHeads * 2 * c.pairs;
        const t = (shape: number[]) => tensors({ shape, dtype: 'float64', min: -1, max: 1 });
        return fc.tuple(
          fc.constant(c),
          t([c.n, c.inFeatures]),
          t([out, c.inFeatures]),
          t([out, c.inFeatures]),
        );
      });
    fc.assert(
      fc.property(inputs, ([c, X, Wq, Wk]) => {
        const to: RotaryLayout = c.from === 'half' ? 'interleaved' : 'half';
        const options = { numHeads: c.numHeads, headDim: 2 * c.pairs, from: c.from, to };
        const trained = scores(X, Wq, Wk, c.numHeads, c.from, c.offset);
        const Pq = permuteRotaryWeights(Wq, options);
        const Pk = permuteRotaryWeights(Wk, options);
        expectClose(scores(X, Pq, Pk, c.numHeads, to, c.offset), trained, { atol: 1e-12, rtol: 0 });
      }),
    );
  });

  it('changes the scores when the weights are used with the other layout unpermuted', () => {
    const X = tensor(
      [
        [1, 0.5],
        [-0.3, 2],
        [0.7, -1],
      ],
      { dtype: 'float64' },
    );
    const Wq = tensor(
      [
        [1, 2],
        [0.5, -1],
        [0, 1],
        [2, 0.3],
      ],
      { dtype: 'float64' },
    );
    const Wk = tensor(
      [
        [0.2, 1],
        [1, 1],
        [-1, 0.5],
        [0.4, 0.4],
      ],
      { dtype: 'float64' },
    );
    const trained = scores(X, Wq, Wk, 1, 'interleaved', 3);
    expect(() => expectClose(scores(X, Wq, Wk, 1, 'half', 3), trained, { atol: 1e-2, rtol: 0 })).toThrow(
      /elements differ/,
    );
  });

  it('round-trips: interleaved → half → interleaved is the identity', () => {
    const W = tensor(
      Array.from({ length: 24 }, (_, i) => i * 0.5),
      { shape: [12, 2] },
    );
    const there = permuteRotaryWeights(W, { numHeads: 3, headDim: 4, from: 'interleaved', to: 'half' });
    const back = permuteRotaryWeights(there, { numHeads: 3, headDim: 4, from: 'half', to: 'interleaved' });
    expectClose(flat(back), flat(W), { atol: 0, rtol: 0 });
  });

  it('matches central differences (the gradient is permuted back)', () => {
    const W = tensor(
      Array.from({ length: 12 }, (_, i) => Math.sin(i)),
      { shape: [4, 3], requiresGrad: true },
    );
    checkGradients(
      (w) => permuteRotaryWeights(w, { numHeads: 1, headDim: 4, from: 'half', to: 'interleaved' }),
      [W],
    );
  });

  it('throws InvalidArgumentError for invalid numHeads, headDim or layouts', () => {
    const W = zeros([4, 2]);
    expect(() =>
      permuteRotaryWeights(W, { numHeads: 0, headDim: 4, from: 'half', to: 'interleaved' }),
    ).toThrow(/numHeads must be an integer ≥ 1/);
    expect(() =>
      permuteRotaryWeights(W, { numHeads: 1, headDim: 3, from: 'half', to: 'interleaved' }),
    ).toThrow(/headDim must be an even integer ≥ 2; got 3/);
    // @ts-expect-error: 'neox' is not a layout.
    expect(() => permuteRotaryWeights(W, { numHeads: 1, headDim: 4, from: 'neox', to: 'half' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws ShapeError when the weight is not (numHeads·headDim, in) or (numHeads·headDim)', () => {
    const options = { numHeads: 2, headDim: 4, from: 'half', to: 'interleaved' } as const;
    expect(() => permuteRotaryWeights(zeros([6, 2]), options)).toThrow(
      /weight must have shape \(8, in\) or \(8\) for 2 heads of 4; got \(6, 2\)/,
    );
    expect(() => permuteRotaryWeights(zeros([8, 2, 1]), options)).toThrow(ShapeError);
  });
});
