import { Generator, InvalidArgumentError, randn, ShapeError, type Tensor, tensor } from '@attnkit/tensor';
import {
  attentionInputs,
  causalNoLeak,
  checkGradients,
  expectClose,
  permutationInvariance,
  validLens,
} from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, referenceAttention } from '../test/helpers.js';
import { DotProductAttention } from './dot-product-attention.js';

/** D2L's decoder lengths: query i of every sequence sees keys 0..i, shape (batch, queries). */
const causalLens = (q: Tensor): Tensor => {
  const [batch, n] = q.shape as [number, number];
  return tensor(
    Array.from({ length: batch * n }, (_, i) => (i % n) + 1),
    { shape: [batch, n], dtype: 'int32' },
  );
};

const keepBelow = (lens: Tensor) => (b: number, i: number, j: number) =>
  j < (lens.ndim === 1 ? flat(lens)[b]! : flat(lens)[b * lens.shape[1]! + i]!);

describe('DotProductAttention', () => {
  // --- examples -----------------------------------------------------------------------------
  it('computes softmax(QKᵀ/√d)·V with D2L masking and keeps the weights (hand-computed)', () => {
    const attention = new DotProductAttention();
    expect(attention.attentionWeights).toBeNull();
    const q = tensor([[[1, 0]], [[0, 2]]]);
    const k = tensor([
      [
        [1, 0],
        [0, 1],
        [5, 5],
      ],
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
    ]);
    const v = tensor([
      [[1], [3], [100]],
      [[1], [2], [4]],
    ]);
    const out = attention.forward(q, k, v, tensor([2, 3], { dtype: 'int32' }));
    const e = Math.exp(1 / Math.SQRT2);
    const f = Math.exp(Math.SQRT2); // batch 1 scores [0, √2, √2]
    const weights = [e / (e + 1), 1 / (e + 1), 0, 1 / (1 + 2 * f), f / (1 + 2 * f), f / (1 + 2 * f)];
    expectClose(flat(attention.attentionWeights as Tensor), weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(out), [weights[0]! + 3 * weights[1]!, weights[3]! + 2 * weights[4]! + 4 * weights[5]!], {
      atol: 1e-6,
      rtol: 0,
    });
  });

  it('takes validLens per query and makes a row with validLen 0 uniform, as D2L', () => {
    const g = new Generator(1);
    const [q, k, v] = [
      randn([2, 3, 4], { rng: g }),
      randn([2, 5, 4], { rng: g }),
      randn([2, 5, 2], { rng: g }),
    ];
    const lens = tensor(
      [
        [0, 2, 5],
        [1, 3, 4],
      ],
      { dtype: 'int32' },
    );
    const attention = new DotProductAttention();
    const out = attention.forward(q, k, v, lens);
    const ref = referenceAttention(q, k, v, { keep: keepBelow(lens), policy: 'd2l' });
    expectClose(flat(attention.attentionWeights as Tensor), ref.weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(out), ref.output, { atol: 1e-6, rtol: 0 });
    expectClose(flat(attention.attentionWeights as Tensor).slice(0, 5), [0.2, 0.2, 0.2, 0.2, 0.2], {
      atol: 1e-7,
      rtol: 0,
    });
  });

  it('has no parameters and applies dropout to the weights only in training mode', () => {
    const attention = new DotProductAttention({ dropout: 1 });
    expect(attention.stateDict()).toEqual({});
    const g = new Generator(2);
    const [q, k, v] = [
      randn([1, 2, 3], { rng: g }),
      randn([1, 4, 3], { rng: g }),
      randn([1, 4, 2], { rng: g }),
    ];
    expect(flat(attention.forward(q, k, v))).toEqual([0, 0, 0, 0]);
    const weights = flat(attention.attentionWeights as Tensor);
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(2, 6); // kept before dropout
    const ref = referenceAttention(q, k, v);
    expectClose(flat(attention.eval().forward(q, k, v)), ref.output, { atol: 1e-6, rtol: 0 });
  });

  // --- properties ---------------------------------------------------------------------------
  it('matches an explicit loop with validLens per sequence or per query', () => {
    const cases = attentionInputs({ maxSide: 5 }).chain((inputs) => {
      const [batch, numQueries] = inputs.queries.shape as [number, number];
      const numKeys = inputs.keys.shape[1]!;
      return fc.record({
        inputs: fc.constant(inputs),
        lens: fc.oneof(validLens({ batch, numKeys }), validLens({ batch, numKeys, perQuery: numQueries })),
      });
    });
    const attention = new DotProductAttention();
    fc.assert(
      fc.property(cases, ({ inputs: { queries, keys, values }, lens }) => {
        const ref = referenceAttention(queries, keys, values, { keep: keepBelow(lens), policy: 'd2l' });
        expectClose(flat(attention.forward(queries, keys, values, lens)), ref.output, {
          atol: 1e-5,
          rtol: 0,
        });
      }),
    );
  });

  it('is invariant to jointly permuting the key-value pairs (permutationInvariance)', () => {
    const attention = new DotProductAttention();
    fc.assert(permutationInvariance((q, k, v) => attention.forward(q, k, v)));
  });

  it("does not leak the future with D2L's decoder validLens [1, 2, ..., n] (causalNoLeak)", () => {
    const attention = new DotProductAttention();
    fc.assert(causalNoLeak((q, k, v) => attention.forward(q, k, v, causalLens(q))));
  });

  // --- gradients ----------------------------------------------------------------------------
  it('has gradients that match finite differences', () => {
    const g = new Generator(3);
    const leaf = (shape: number[]) =>
      tensor(randn(shape, { dtype: 'float64', rng: g }).toTypedArray(), {
        shape,
        dtype: 'float64',
        requiresGrad: true,
      });
    const attention = new DotProductAttention();
    const [q, k, v] = [leaf([2, 3, 4]), leaf([2, 5, 4]), leaf([2, 5, 3])];
    checkGradients((a, b, c) => attention.forward(a, b, c, tensor([2, 0], { dtype: 'int32' })), [q, k, v]);
    checkGradients((a, b, c) => attention.forward(a, b, c), [q, k, v]);
  });

  // --- errors -------------------------------------------------------------------------------
  const [q, k, v] = [randn([2, 3, 4]), randn([2, 5, 4]), randn([2, 5, 2])];

  it('throws ShapeError when an input is not 3-D or the batch, depth or key counts differ', () => {
    const attention = new DotProductAttention();
    expect(() => attention.forward(randn([3, 4]), k, v)).toThrow(
      /queries must have shape \(batch, queries, d\)/,
    );
    expect(() => attention.forward(q, randn([1, 5, 4]), v)).toThrow(/keys must have shape \(2, keys, 4\)/);
    expect(() => attention.forward(q, randn([2, 5, 3]), v)).toThrow(ShapeError);
    expect(() => attention.forward(q, k, randn([2, 4, 2]))).toThrow(/values must have shape \(2, 5, v\)/);
  });

  it('throws ShapeError when validLens is neither (batch) nor (batch, queries)', () => {
    expect(() => new DotProductAttention().forward(q, k, v, [1, 2, 3])).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a dropout outside [0, 1] or a length beyond the keys', () => {
    expect(() => new DotProductAttention({ dropout: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new DotProductAttention().forward(q, k, v, [6, 1])).toThrow(InvalidArgumentError);
  });
});
