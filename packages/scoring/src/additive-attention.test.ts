import {
  Generator,
  InvalidArgumentError,
  mul,
  randn,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import {
  attentionInputs,
  causalNoLeak,
  checkGradients,
  checkParameterGradients,
  expectClose,
  permutationInvariance,
  validLens,
} from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, referenceAttention } from '../test/helpers.js';
import { AdditiveAttention } from './additive-attention.js';

/** score(q, k) = w_v · tanh(W_q q + W_k k) by loops, from the module's current weights. */
function additiveScore(attention: AdditiveAttention) {
  const wq = flat(attention.W_q.weight);
  const wk = flat(attention.W_k.weight);
  const wv = flat(attention.w_v.weight);
  const h = wv.length;
  return (q: readonly number[], k: readonly number[]): number => {
    let s = 0;
    for (let r = 0; r < h; r++) {
      let z = 0;
      q.forEach((x, c) => {
        z += wq[r * q.length + c]! * x;
      });
      k.forEach((x, c) => {
        z += wk[r * k.length + c]! * x;
      });
      s += wv[r]! * Math.tanh(z);
    }
    return s;
  };
}

const keepBelow = (lens: Tensor) => (b: number, i: number, j: number) =>
  j < (lens.ndim === 1 ? flat(lens)[b]! : flat(lens)[b * lens.shape[1]! + i]!);

describe('AdditiveAttention', () => {
  // --- examples -----------------------------------------------------------------------------
  it("has D2L's state keys W_k.weight (h, keySize), W_q.weight (h, querySize), w_v.weight (1, h)", () => {
    const attention = new AdditiveAttention({ numHiddens: 8, keySize: 2, querySize: 20 });
    const shapes = Object.entries(attention.stateDict()).map(([key, t]) => [key, t.shape]);
    expect(shapes).toEqual([
      ['W_k.weight', [8, 2]],
      ['W_q.weight', [8, 20]],
      ['w_v.weight', [1, 8]],
    ]);
  });

  it('infers the query and key sizes at the first forward when they are not given (LazyLinear)', () => {
    const attention = new AdditiveAttention({ numHiddens: 3, rng: new Generator(1) });
    expect(attention.stateDict()).toEqual({ 'w_v.weight': attention.w_v.weight.detach() });
    expect(Object.keys(attention.stateDict())).toEqual(['w_v.weight']);
    const out = attention.forward(randn([2, 1, 5]), randn([2, 4, 2]), randn([2, 4, 3]));
    expect(out.shape).toEqual([2, 1, 3]);
    expect(attention.W_q.weight.shape).toEqual([3, 5]);
    expect(attention.W_k.weight.shape).toEqual([3, 2]);
  });

  it('scores with w_vᵀ tanh(W_q q + W_k k) and masks like D2L (explicit loop)', () => {
    const g = new Generator(2);
    const attention = new AdditiveAttention({ numHiddens: 4, keySize: 2, querySize: 3, rng: g });
    const [q, k, v] = [
      randn([2, 3, 3], { rng: g }),
      randn([2, 5, 2], { rng: g }),
      randn([2, 5, 2], { rng: g }),
    ];
    const lens = tensor(
      [
        [0, 2, 5],
        [1, 3, 4],
      ],
      { dtype: 'int32' },
    );
    const out = attention.forward(q, k, v, lens);
    const ref = referenceAttention(q, k, v, {
      score: additiveScore(attention),
      keep: keepBelow(lens),
      policy: 'd2l',
    });
    expectClose(flat(attention.attentionWeights as Tensor), ref.weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(out), ref.output, { atol: 1e-6, rtol: 0 });
  });

  it('applies dropout to the weights only in training mode', () => {
    const attention = new AdditiveAttention({ numHiddens: 2, dropout: 1 });
    const [q, k, v] = [randn([1, 2, 3]), randn([1, 4, 3]), randn([1, 4, 2])];
    expect(flat(attention.forward(q, k, v))).toEqual([0, 0, 0, 0]);
    const ref = referenceAttention(q, k, v, { score: additiveScore(attention) });
    expectClose(flat(attention.eval().forward(q, k, v)), ref.output, { atol: 1e-6, rtol: 0 });
  });

  // --- properties ---------------------------------------------------------------------------
  it('matches an explicit loop with validLens per sequence or per query', () => {
    const cases = attentionInputs({ maxSide: 4 }).chain((inputs) => {
      const [batch, numQueries] = inputs.queries.shape as [number, number];
      const numKeys = inputs.keys.shape[1]!;
      return fc.record({
        inputs: fc.constant(inputs),
        lens: fc.oneof(validLens({ batch, numKeys }), validLens({ batch, numKeys, perQuery: numQueries })),
        seed: fc.integer({ min: 0, max: 1000 }),
      });
    });
    fc.assert(
      fc.property(cases, ({ inputs: { queries, keys, values }, lens, seed }) => {
        const attention = new AdditiveAttention({ numHiddens: 3, rng: new Generator(seed) });
        const out = attention.forward(queries, keys, values, lens);
        const ref = referenceAttention(queries, keys, values, {
          score: additiveScore(attention),
          keep: keepBelow(lens),
          policy: 'd2l',
        });
        expectClose(flat(out), ref.output, { atol: 1e-5, rtol: 0 });
      }),
    );
  });

  it('is invariant to jointly permuting the key-value pairs (permutationInvariance)', () => {
    // attentionInputs draws one depth d for queries and keys; the lazy projections take it.
    const attention = new AdditiveAttention({ numHiddens: 4, rng: new Generator(3) });
    fc.assert(permutationInvariance((q, k, v) => attention.forward(q, k, v), { d: 3 }));
  });

  it("does not leak the future with D2L's decoder validLens [1, 2, ..., n] (causalNoLeak)", () => {
    const attention = new AdditiveAttention({
      numHiddens: 4,
      keySize: 2,
      querySize: 2,
      rng: new Generator(5),
    });
    const causalLens = (q: Tensor) => {
      const [batch, n] = q.shape as [number, number];
      return tensor(
        Array.from({ length: batch * n }, (_, i) => (i % n) + 1),
        { shape: [batch, n], dtype: 'int32' },
      );
    };
    fc.assert(causalNoLeak((q, k, v) => attention.forward(q, k, v, causalLens(q)), { d: 2 }));
  });

  // --- gradients ----------------------------------------------------------------------------
  it('has gradients in the inputs and in W_q, W_k, w_v that match finite differences', () => {
    const g = new Generator(6);
    const leaf = (shape: number[]) =>
      tensor(randn(shape, { dtype: 'float64', rng: g }).toTypedArray(), {
        shape,
        dtype: 'float64',
        requiresGrad: true,
      });
    const attention = new AdditiveAttention({
      numHiddens: 3,
      keySize: 2,
      querySize: 4,
      dtype: 'float64',
      rng: g,
    });
    const [q, k, v] = [leaf([2, 3, 4]), leaf([2, 5, 2]), leaf([2, 5, 3])];
    const lens = tensor([2, 4], { dtype: 'int32' });
    checkGradients((a, b, c) => attention.forward(a, b, c, lens), [q, k, v]);
    const r = randn([2, 3, 3], { dtype: 'float64', rng: g });
    checkParameterGradients(attention, () => sum(mul(attention.forward(q, k, v, lens), r)), {
      atol: 1e-6,
      rtol: 1e-4,
    });
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws InvalidArgumentError for numHiddens below 1 or fractional, bad sizes or dropout', () => {
    expect(() => new AdditiveAttention({ numHiddens: 0 })).toThrow(/numHiddens must be a positive integer/);
    expect(() => new AdditiveAttention({ numHiddens: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new AdditiveAttention({ numHiddens: 2, keySize: -1 })).toThrow(InvalidArgumentError);
    expect(() => new AdditiveAttention({ numHiddens: 2, dropout: 2 })).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError for inputs that are not 3-D or disagree, or depths other than querySize/keySize', () => {
    const attention = new AdditiveAttention({ numHiddens: 2, querySize: 3 });
    const [q, k, v] = [randn([2, 1, 3]), randn([2, 4, 5]), randn([2, 4, 2])];
    expect(() => attention.forward(randn([1, 3]), k, v)).toThrow(ShapeError);
    expect(() => attention.forward(q, randn([1, 4, 5]), v)).toThrow(/keys must have shape \(2, keys, d\)/);
    expect(() => attention.forward(q, k, randn([2, 3, 2]))).toThrow(ShapeError);
    expect(() => attention.forward(randn([2, 1, 4]), k, v)).toThrow(
      /queries must have shape \(batch, queries, 3\) \(querySize\)/,
    );
    attention.forward(q, k, v); // infers keySize = 5
    expect(() => attention.forward(q, randn([2, 4, 6]), v)).toThrow(
      /keys must have shape \(batch, keys, 5\) \(keySize\)/,
    );
  });

  it('throws ShapeError or InvalidArgumentError for bad validLens', () => {
    const attention = new AdditiveAttention({ numHiddens: 2 });
    const [q, k, v] = [randn([2, 1, 3]), randn([2, 4, 5]), randn([2, 4, 2])];
    expect(() => attention.forward(q, k, v, [1, 2, 3])).toThrow(ShapeError);
    expect(() => attention.forward(q, k, v, [5, 1])).toThrow(InvalidArgumentError);
  });
});
