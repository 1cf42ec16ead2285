import { causalMask, toAdditiveMask } from '@attnkit/masking';
import {
  concat,
  Generator,
  InvalidArgumentError,
  indexSelect,
  narrow,
  ones,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  zeros,
} from '@attnkit/tensor';
import {
  causalNoLeak,
  checkGradients,
  checkParameterGradients,
  expectClose,
  kvCacheEquivalence,
  tensors,
} from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReferenceOptions, referenceAttention } from '../test/helpers.js';
import { KVCache, type KVCacheLayer } from './kv-cache.js';
import { MultiHeadAttention, type MultiHeadAttentionOptions } from './multi-head-attention.js';

/** A float64 module with seeded weights, in eval mode unless it has dropout. */
function make(options: Partial<MultiHeadAttentionOptions> = {}, seed = 0): MultiHeadAttention {
  return new MultiHeadAttention({
    numHiddens: 8,
    numHeads: 4,
    dtype: 'float64',
    rng: new Generator(seed),
    ...options,
  }).eval();
}

/** Float64 N(0, 1) inputs (batch, n, features) from a seeded generator. */
function inputs(rng: Generator, ...shapes: number[][]): Tensor[] {
  return shapes.map((shape) => randn(shape, { dtype: 'float64', rng }));
}

/** Asserts the module's output and per-head weights equal the loop reference within 1e-10. */
function expectReference(
  module: MultiHeadAttention,
  out: Tensor,
  [q, k, v]: Tensor[],
  options: Omit<ReferenceOptions, 'numHeads' | 'numKVHeads'>,
): void {
  const ref = referenceAttention(module, q!, k!, v!, {
    numHeads: module.numHeads,
    numKVHeads: module.numKVHeads,
    ...options,
  });
  expect(out.shape).toEqual([q!.shape[0], q!.shape[1], module.numHiddens]);
  expectClose(out.toTypedArray(), ref.output, { atol: 1e-10, rtol: 0 });
  expectClose(module.headWeights().toTypedArray(), ref.weights, { atol: 1e-10, rtol: 0 });
}

/** The output of `module` on x with the sequence positions reordered by `order`. */
const reorder = (x: Tensor, order: number[]): Tensor => indexSelect(x, 1, tensor(order, { dtype: 'int32' }));

/** Self-attention forward of a causal model, optionally with a cache: x (batch, n, numHiddens). */
const selfCausal = (m: MultiHeadAttention, x: Tensor, cache?: KVCache | KVCacheLayer): Tensor =>
  m.forward(x, x, x, undefined, cache === undefined ? { isCausal: true } : { isCausal: true, cache });

describe('MultiHeadAttention', () => {
  it("returns D2L's shapes: output (2, 4, 100) and weights (batch·heads, queries, keys) = (10, 4, 6)", () => {
    const attention = new MultiHeadAttention({ numHiddens: 100, numHeads: 5, dropout: 0.5 }).eval();
    const Y = ones([2, 6, 100]);
    const out = attention.forward(ones([2, 4, 100]), Y, Y, tensor([3, 2], { dtype: 'int32' }));
    expect(out.shape).toEqual([2, 4, 100]);
    const weights = attention.attentionWeights as Tensor;
    expect(weights.shape).toEqual([10, 4, 6]);
    // Identical keys: uniform over the valid ones (3 for batch 0's heads, 2 for batch 1's).
    const w = weights.toTypedArray();
    for (let row = 0; row < 10 * 4; row++) {
      const valid = row < 20 ? 3 : 2;
      for (let j = 0; j < 6; j++) expect(w[row * 6 + j]).toBeCloseTo(j < valid ? 1 / valid : 0, 6);
    }
  });

  it('registers W_q, W_k, W_v and W_o under PyTorch keys, inferring input sizes at the first forward', () => {
    const lazy = new MultiHeadAttention({ numHiddens: 6, numHeads: 2 });
    expect(Object.keys(lazy.stateDict())).toEqual(['W_o.weight']);
    lazy.forward(zeros([1, 2, 3]), zeros([1, 4, 5]), zeros([1, 4, 7]));
    const shapes = Object.fromEntries(Object.entries(lazy.stateDict()).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      'W_q.weight': [6, 3],
      'W_k.weight': [6, 5],
      'W_v.weight': [6, 7],
      'W_o.weight': [6, 6],
    });
    const eager = new MultiHeadAttention({
      numHiddens: 6,
      numHeads: 2,
      querySize: 3,
      keySize: 5,
      valueSize: 7,
      bias: true,
    });
    expect(Object.keys(eager.stateDict())).toEqual([
      'W_q.weight',
      'W_q.bias',
      'W_k.weight',
      'W_k.bias',
      'W_v.weight',
      'W_v.bias',
      'W_o.weight',
      'W_o.bias',
    ]);
  });

  it('matches an explicit-loop multi-head attention with validLens (batch) and (batch, queries)', () => {
    const attention = make({ querySize: 3, keySize: 5, valueSize: 4 });
    const qkv = inputs(new Generator(1), [2, 3, 3], [2, 4, 5], [2, 4, 4]);
    const [q, k, v] = qkv as [Tensor, Tensor, Tensor];
    expectReference(attention, attention.forward(q, k, v, [4, 1]), qkv, { validLens: [4, 1] });
    const perQuery = [
      [1, 0, 4],
      [2, 3, 4],
    ];
    // validLen 0 gives D2L's uniform row.
    expectReference(attention, attention.forward(q, k, v, perQuery), qkv, { validLens: perQuery });
    expectReference(attention, attention.forward(q, k, v), qkv, {});
  });

  it('matches the loop reference with biases in all four projections', () => {
    const attention = make({ bias: true, querySize: 3, keySize: 3, valueSize: 3 }, 4);
    const qkv = inputs(new Generator(2), [1, 2, 3], [1, 5, 3], [1, 5, 3]);
    const [q, k, v] = qkv as [Tensor, Tensor, Tensor];
    expectReference(attention, attention.forward(q, k, v, [3]), qkv, { validLens: [3] });
  });

  it('applies a bool mask (batch, queries, keys) to every head and a (batch, heads, queries, keys) mask per head', () => {
    const attention = make({ querySize: 3, keySize: 3, valueSize: 3 });
    const qkv = inputs(new Generator(3), [2, 3, 3], [2, 4, 3], [2, 4, 3]);
    const [q, k, v] = qkv as [Tensor, Tensor, Tensor];
    const bits3 = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 7) % 3 !== 0);
    const mask3 = tensor(bits3, { shape: [2, 3, 4], dtype: 'bool' });
    const keep3 = (b: number, _h: number, i: number, j: number) => bits3[(b * 3 + i) * 4 + j]!;
    expectReference(attention, attention.forward(q, k, v, undefined, { mask: mask3 }), qkv, { keep: keep3 });
    const bits4 = Array.from({ length: 2 * 4 * 3 * 4 }, (_, i) => (i * 5) % 4 !== 1);
    const mask4 = tensor(bits4, { shape: [2, 4, 3, 4], dtype: 'bool' });
    const keep4 = (b: number, h: number, i: number, j: number) => bits4[((b * 4 + h) * 3 + i) * 4 + j]!;
    expectReference(attention, attention.forward(q, k, v, undefined, { mask: mask4 }), qkv, { keep: keep4 });
    // A rank-2 mask (queries, keys) broadcasts over batch and heads.
    const out = attention.forward(q, k, v, undefined, { mask: causalMask(3, 4) });
    expectReference(attention, out, qkv, { causal: true });
  });

  it('adds a float mask to the scores and gives -Infinity entries zero weight', () => {
    const attention = make({ querySize: 2, keySize: 2, valueSize: 2 });
    const qkv = inputs(new Generator(5), [1, 2, 2], [1, 3, 2], [1, 3, 2]);
    const [q, k, v] = qkv as [Tensor, Tensor, Tensor];
    const bias = [0.5, Number.NEGATIVE_INFINITY, -1, 2, 0, Number.NEGATIVE_INFINITY];
    const mask = tensor(bias, { shape: [2, 3], dtype: 'float64' });
    const out = attention.forward(q, k, v, undefined, { mask });
    expectReference(attention, out, qkv, { additive: (_b, _h, i, j) => bias[i * 3 + j]! });
  });

  it('hides future keys with isCausal, also together with validLens', () => {
    const attention = make();
    const x = randn([2, 4, 8], { dtype: 'float64', rng: new Generator(6) });
    expectReference(attention, selfCausal(attention, x), [x, x, x], { causal: true });
    const out = attention.forward(x, x, x, [2, 4], { isCausal: true });
    expectReference(attention, out, [x, x, x], { causal: true, validLens: [2, 4] });
  });

  it('lets every query head of a group share one key/value head (grouped-query and multi-query)', () => {
    for (const numKVHeads of [2, 1]) {
      const attention = make({ numKVHeads, keySize: 3, valueSize: 3, querySize: 3 });
      expect(attention.W_k.weight.shape).toEqual([numKVHeads * 2, 3]);
      expect(attention.W_v.weight.shape).toEqual([numKVHeads * 2, 3]);
      const qkv = inputs(new Generator(7), [2, 3, 3], [2, 5, 3], [2, 5, 3]);
      const [q, k, v] = qkv as [Tensor, Tensor, Tensor];
      expectReference(attention, attention.forward(q, k, v, [5, 2]), qkv, { validLens: [5, 2] });
    }
  });

  it('equals plain multi-head attention with the same weights when numKVHeads = numHeads', () => {
    const plain = make({ querySize: 8, keySize: 8, valueSize: 8 }, 8);
    const grouped = make({ numKVHeads: 4, querySize: 8, keySize: 8, valueSize: 8 }, 9);
    grouped.loadStateDict(plain.stateDict());
    const x = randn([2, 3, 8], { dtype: 'float64', rng: new Generator(10) });
    const a = plain.forward(x, x, x, [3, 1]).toTypedArray();
    expectClose(grouped.forward(x, x, x, [3, 1]).toTypedArray(), a, { atol: 1e-12, rtol: 0 });
  });

  it('equals multi-head attention whose W_k and W_v repeat each key/value head for its group', () => {
    const grouped = make({ numKVHeads: 2, querySize: 8, keySize: 8, valueSize: 8 }, 11);
    const plain = make({ querySize: 8, keySize: 8, valueSize: 8 }, 12);
    const state = grouped.stateDict();
    // Rows [g·d, (g+1)·d) of the grouped W_k become rows of heads 2g and 2g + 1 (d = 2).
    const rowsOfHeads = tensor([0, 1, 0, 1, 2, 3, 2, 3], { dtype: 'int32' });
    plain.loadStateDict({
      ...state,
      'W_k.weight': indexSelect(state['W_k.weight']!, 0, rowsOfHeads),
      'W_v.weight': indexSelect(state['W_v.weight']!, 0, rowsOfHeads),
    });
    const x = randn([2, 4, 8], { dtype: 'float64', rng: new Generator(13) });
    const a = plain.forward(x, x, x, undefined, { isCausal: true }).toTypedArray();
    expectClose(grouped.forward(x, x, x, undefined, { isCausal: true }).toTypedArray(), a, {
      atol: 1e-12,
      rtol: 0,
    });
  });

  it('rotates queries and keys of every head with positional rotary', () => {
    const x = randn([2, 5, 8], { dtype: 'float64', rng: new Generator(14) });
    const halfSplit = make({ numHeads: 2, positional: 'rotary' });
    expectReference(halfSplit, selfCausal(halfSplit, x), [x, x, x], { causal: true, rotary: {} });
    const rotary = { base: 100, rotaryDim: 2, interleaved: true };
    const partial = make({ numHeads: 2, numKVHeads: 1, positional: 'rotary', rotary });
    const out = partial.forward(x, x, x, [5, 3]);
    expectReference(partial, out, [x, x, x], { rotary, validLens: [5, 3] });
  });

  it('adds the ALiBi bias with positional alibi', () => {
    const attention = make({ positional: 'alibi' });
    const x = randn([2, 4, 8], { dtype: 'float64', rng: new Generator(15) });
    expectReference(attention, selfCausal(attention, x), [x, x, x], { causal: true, alibi: true });
    const keep = tensor([true, false, true, true], { dtype: 'bool' });
    const out = attention.forward(x, x, x, undefined, { mask: keep, isCausal: true });
    expectReference(attention, out, [x, x, x], {
      causal: true,
      alibi: true,
      keep: (_b, _h, _i, j) => j !== 1,
    });
  });

  it("switches a head off with headMask, as zeroing that head's slice of W_o's input", () => {
    const attention = make({ bias: true }, 16);
    const x = randn([2, 3, 8], { dtype: 'float64', rng: new Generator(17) });
    const masked = attention.forward(x, x, x, [3, 2], { headMask: [1, 0, 1, 0] }).toTypedArray();
    // W_o's input features [2h, 2h + 2) come from head h: zero the columns of heads 1 and 3.
    const state = attention.stateDict();
    const wo = Array.from(state['W_o.weight']!.toTypedArray());
    const pruned = wo.map((w, i) => ([2, 3, 6, 7].includes(i % 8) ? 0 : w));
    const copy = make({ bias: true }, 99);
    copy.loadStateDict({ ...state, 'W_o.weight': tensor(pruned, { shape: [8, 8], dtype: 'float64' }) });
    expectClose(masked, copy.forward(x, x, x, [3, 2]).toTypedArray(), { atol: 1e-12, rtol: 0 });
    const soft = attention.forward(x, x, x, undefined, {
      headMask: tensor([0.5, 1, 0, 2], { dtype: 'float64' }),
    });
    expectReference(attention, soft, [x, x, x], { headMask: [0.5, 1, 0, 2] });
  });

  it('reports the weights per head with headWeights() and in D2L layout with attentionWeights', () => {
    const attention = make();
    const x = randn([2, 3, 8], { dtype: 'float64', rng: new Generator(18) });
    attention.forward(x, x, x, [2, 3]);
    const perHead = attention.headWeights();
    expect(perHead.shape).toEqual([2, 4, 3, 3]);
    const d2l = attention.attentionWeights as Tensor;
    expect(d2l.shape).toEqual([8, 3, 3]);
    // Row b·heads + h of D2L's layout is [b, h] of the per-head one.
    expect(Array.from(d2l.toTypedArray())).toEqual(Array.from(perHead.toTypedArray()));
    const ref = referenceAttention(attention, x, x, x, { numHeads: 4, validLens: [2, 3] });
    expectClose(perHead.toTypedArray(), ref.weights, { atol: 1e-12, rtol: 0 });
  });

  it('keeps no weights after a fused call with needWeights: false', () => {
    const attention = make({ dtype: 'float32' });
    const x = randn([1, 2, 8], { dtype: 'float32', rng: new Generator(19) });
    expect(attention.attentionWeights).toBeNull();
    attention.forward(x, x, x);
    expect(attention.attentionWeights).not.toBeNull();
    attention.forward(x, x, x, undefined, { needWeights: false });
    expect(attention.attentionWeights).toBeNull();
  });

  it('drops attention weights only in training mode, reproducibly from its generator', () => {
    const x = randn([2, 5, 8], { dtype: 'float64', rng: new Generator(20) });
    const run = () => make({ dropout: 0.5 }, 21).train().forward(x, x, x);
    const a = run().toTypedArray();
    expect(Array.from(run().toTypedArray())).toEqual(Array.from(a));
    const attention = make({ dropout: 0.5 }, 21);
    const evaluated = attention.forward(x, x, x).toTypedArray();
    expect(() => expectClose(a, evaluated, { atol: 1e-3, rtol: 0 })).toThrow(/elements differ/);
    expectReference(attention, attention.eval().forward(x, x, x), [x, x, x], {});
  });

  it('appends to a KV cache and attends over every cached position', () => {
    const attention = make({ numKVHeads: 2, positional: 'rotary' });
    const x = randn([2, 5, 8], { dtype: 'float64', rng: new Generator(22) });
    const cache = attention.createCache();
    const steps = [
      [0, 2],
      [2, 1],
      [3, 2],
    ].map(([start, n]) => selfCausal(attention, narrow(x, 1, start!, n!), cache));
    expect(cache.length).toBe(5);
    expect(cache.layer(0).keys?.shape).toEqual([2, 2, 5, 2]); // (batch, kvHeads, length, headDim)
    expect(cache.layer(0).values?.shape).toEqual([2, 2, 5, 2]);
    const full = selfCausal(attention, x).toTypedArray();
    expectClose(concat(steps, 1).toTypedArray(), full, { atol: 1e-12, rtol: 0 });
  });

  it('uses the slot of its layerIndex in a shared KVCache', () => {
    const attention = make({ layerIndex: 1 });
    expect(attention.createCache().numLayers).toBe(2);
    const cache = new KVCache({ numLayers: 3 });
    const x = randn([1, 2, 8], { dtype: 'float64', rng: new Generator(23) });
    selfCausal(attention, x, cache);
    expect(cache.layer(1).length).toBe(2);
    expect(cache.layer(0).length).toBe(0);
    selfCausal(attention, x, cache.layer(2));
    expect(cache.layer(2).length).toBe(2);
  });

  it('is permutation-equivariant in self-attention without positions', () => {
    const attention = make({}, 24);
    const cases = fc
      .record({ batch: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 5 }) })
      .chain(({ batch, n }) =>
        fc.record({
          x: tensors({ shape: [batch, n, 8], dtype: 'float64', min: -2, max: 2 }),
          order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        }),
      );
    fc.assert(
      fc.property(cases, ({ x, order }) => {
        const permuted = reorder(x, order);
        const a = reorder(attention.forward(x, x, x), order).toTypedArray();
        expectClose(attention.forward(permuted, permuted, permuted).toTypedArray(), a, {
          atol: 1e-9,
          rtol: 0,
        });
      }),
    );
  });

  it('becomes order-sensitive with rotary: swapping two positions changes more than their outputs order', () => {
    const attention = make({ positional: 'rotary' }, 25);
    // Gaussian inputs from a drawn seed: ties that would hide the positions have probability 0.
    const cases = fc.integer({ min: 2, max: 5 }).chain((n) =>
      fc.record({
        seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        n: fc.constant(n),
        i: fc.integer({ min: 0, max: n - 2 }),
        gap: fc.integer({ min: 1, max: n - 1 }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ seed, n, i, gap }) => {
        const j = Math.min(n - 1, i + gap);
        const order = [...Array(n).keys()].map((p) => (p === i ? j : p === j ? i : p));
        const x = randn([1, n, 8], { dtype: 'float64', rng: new Generator(seed) });
        const permuted = reorder(x, order);
        const a = reorder(attention.forward(x, x, x), order).toTypedArray();
        expect(() =>
          expectClose(attention.forward(permuted, permuted, permuted).toTypedArray(), a, {
            atol: 1e-6,
            rtol: 0,
          }),
        ).toThrow(/elements differ/);
      }),
    );
  });

  it.each([
    ['no positions', {}],
    ['rotary', { positional: 'rotary' }],
    ['ALiBi', { positional: 'alibi' }],
    ['grouped-query heads', { numKVHeads: 2 }],
  ] as const)('does not let output i see inputs after i when causal (%s)', (_name, options) => {
    const attention = make({ ...options, querySize: 4, keySize: 4, valueSize: 4 }, 26);
    const impl = (q: Tensor, k: Tensor, v: Tensor) =>
      attention.forward(q, k, v, undefined, { isCausal: true });
    fc.assert(causalNoLeak(impl, { d: 4, v: 4, dtype: 'float64', atol: 1e-12 }));
  });

  it.each([
    ['no positions', {}],
    ['grouped-query heads', { numKVHeads: 2 }],
    ['multi-query', { numKVHeads: 1 }],
    ['rotary', { positional: 'rotary' }],
    [
      'grouped-query heads and rotary',
      { numKVHeads: 2, positional: 'rotary', rotary: { interleaved: true } },
    ],
    ['ALiBi', { positional: 'alibi' }],
    ['biases', { bias: true }],
  ] as const)('decodes with a KV cache exactly as the full causal forward (%s)', (_name, options) => {
    const attention = make(options, 27);
    const property = kvCacheEquivalence(
      {
        full: (x) => selfCausal(attention, x),
        incremental: () => {
          const cache = attention.createCache();
          return (x) => selfCausal(attention, x, cache);
        },
      },
      { features: 8, dtype: 'float64', atol: 1e-10 },
    );
    fc.assert(property);
  });

  it('matches the loop reference for any sizes and valid lengths', () => {
    const cases = fc
      .record({
        batch: fc.integer({ min: 1, max: 3 }),
        nq: fc.integer({ min: 1, max: 4 }),
        nk: fc.integer({ min: 1, max: 5 }),
        numKVHeads: fc.constantFrom(1, 2, 4),
      })
      .chain(({ batch, nq, nk, numKVHeads }) =>
        fc.record({
          numKVHeads: fc.constant(numKVHeads),
          q: tensors({ shape: [batch, nq, 3], dtype: 'float64', min: -2, max: 2 }),
          kv: tensors({ shape: [batch, nk, 3], dtype: 'float64', min: -2, max: 2 }),
          lens: fc.array(fc.integer({ min: 0, max: nk }), { minLength: batch, maxLength: batch }),
        }),
      );
    fc.assert(
      fc.property(cases, ({ numKVHeads, q, kv, lens }) => {
        const attention = make({ numKVHeads, querySize: 3, keySize: 3, valueSize: 3 }, 28);
        expectReference(attention, attention.forward(q, kv, kv, lens), [q, kv, kv], { validLens: lens });
      }),
    );
  });

  it.each([
    [
      'D2L validLens (batch, queries)',
      {},
      {
        validLens: [
          [1, 3],
          [2, 0],
        ],
      },
    ],
    ['a bool mask and isCausal', {}, { mask: true, isCausal: true }],
    ['rotary and grouped-query heads', { positional: 'rotary', numKVHeads: 2 }, { isCausal: true }],
    ['ALiBi', { positional: 'alibi' }, { isCausal: true }],
    ['a head mask', {}, { headMask: [1, 0, 0.5, 1] }],
  ] as const)(
    'has gradients w.r.t. queries, keys and values that match finite differences (%s)',
    (_n, opts, fwd) => {
      const attention = make({ ...opts, querySize: 3, keySize: 3, valueSize: 3 }, 29);
      const [q, k, v] = inputs(new Generator(30), [2, 2, 3], [2, 3, 3], [2, 3, 3]).map((t) =>
        tensor(t.toTypedArray(), { shape: t.shape, dtype: 'float64', requiresGrad: true }),
      ) as [Tensor, Tensor, Tensor];
      const mask = tensor([true, false, true, true, true, false], { shape: [2, 3], dtype: 'bool' });
      const options = {
        ...('isCausal' in fwd ? { isCausal: true } : {}),
        ...('mask' in fwd ? { mask } : {}),
        ...('headMask' in fwd ? { headMask: fwd.headMask } : {}),
      };
      const validLens = 'validLens' in fwd ? fwd.validLens.map((r) => r.slice()) : undefined;
      checkGradients((a, b, c) => attention.forward(a!, b!, c!, validLens, options), [q, k, v]);
    },
  );

  it.each([
    ['biases', { bias: true }, {}],
    [
      'rotary, grouped-query heads and causal',
      { positional: 'rotary', numKVHeads: 2, bias: true },
      { isCausal: true },
    ],
    ['ALiBi and causal', { positional: 'alibi' }, { isCausal: true }],
  ] as const)('has weight gradients that match finite differences (%s)', (_n, opts, fwd) => {
    const attention = make({ ...opts, querySize: 3, keySize: 3, valueSize: 3 }, 31);
    const [q, k, v] = inputs(new Generator(32), [2, 3, 3], [2, 3, 3], [2, 3, 3]) as [Tensor, Tensor, Tensor];
    const f = () => attention.forward(q, k, v, [3, 2], fwd);
    checkParameterGradients(attention, f, { atol: 1e-6, rtol: 0 });
  });

  it('passes gradients through the cached keys and values of earlier steps', () => {
    const attention = make({ numKVHeads: 2, positional: 'rotary' }, 34);
    const [x1, x2] = inputs(new Generator(35), [1, 2, 8], [1, 1, 8]).map((t) =>
      tensor(t.toTypedArray(), { shape: t.shape, dtype: 'float64', requiresGrad: true }),
    ) as [Tensor, Tensor];
    checkGradients(
      (a, b) => {
        const cache = attention.createCache();
        selfCausal(attention, a!, cache);
        return selfCausal(attention, b!, cache);
      },
      [x1, x2],
    );
  });

  it('throws InvalidArgumentError naming both when numHiddens is not divisible by numHeads', () => {
    expect(() => new MultiHeadAttention({ numHiddens: 10, numHeads: 4 })).toThrow(InvalidArgumentError);
    expect(() => new MultiHeadAttention({ numHiddens: 10, numHeads: 4 })).toThrow(
      /numHiddens \(10\) must be divisible by numHeads \(4\)/,
    );
  });

  it('throws InvalidArgumentError when numHiddens or numHeads is not an integer ≥ 1', () => {
    expect(() => new MultiHeadAttention({ numHiddens: 8, numHeads: 0 })).toThrow(
      /numHeads must be an integer ≥ 1; got 0/,
    );
    expect(() => new MultiHeadAttention({ numHiddens: 8, numHeads: 2.5 })).toThrow(InvalidArgumentError);
    expect(() => new MultiHeadAttention({ numHiddens: 0, numHeads: 1 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError when numKVHeads does not divide numHeads or is below 1', () => {
    expect(() => make({ numKVHeads: 3 })).toThrow(/numKVHeads \(3\) must divide numHeads \(4\)/);
    expect(() => make({ numKVHeads: 8 })).toThrow(InvalidArgumentError);
    expect(() => make({ numKVHeads: 0 })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a dropout outside [0, 1]', () => {
    expect(() => make({ dropout: 1.5 })).toThrow(/dropout must be a number in \[0, 1\]; got 1.5/);
    expect(() => make({ dropout: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for an unknown positional or rotary settings that cannot apply', () => {
    expect(() => make({ positional: 'sinusoidal' as 'none' })).toThrow(
      /positional must be 'none', 'rotary' or 'alibi'/,
    );
    expect(() => make({ rotary: { base: 100 } })).toThrow(/rotary options need positional: 'rotary'/);
    expect(() => make({ numHiddens: 12, numHeads: 4, positional: 'rotary' })).toThrow(
      /even rotaryDim in \[2, headDim = 3\]; got 3 \(the head size\)/,
    );
    expect(() => make({ positional: 'rotary', rotary: { rotaryDim: 4 } })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a negative or fractional size or layerIndex', () => {
    expect(() => make({ querySize: -1 })).toThrow(/querySize must be an integer ≥ 0; got -1/);
    expect(() => make({ valueSize: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => make({ layerIndex: -1 })).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError naming both shapes when queries, keys and values do not fit together', () => {
    const attention = make({ querySize: 3 });
    const x = zeros([2, 4, 3], { dtype: 'float64' });
    expect(() => attention.forward(zeros([2, 4]), x, x)).toThrow(ShapeError);
    expect(() => attention.forward(x, zeros([1, 4, 3]), x)).toThrow(
      /keys must have shape \(2, keys, 3\) to match queries \(2, 4, 3\); got \(1, 4, 3\)/,
    );
    expect(() => attention.forward(x, x, zeros([2, 5, 3]))).toThrow(
      /values must have shape \(2, 4, 3\) to match keys \(2, 4, 3\); got \(2, 5, 3\)/,
    );
    expect(() => attention.forward(zeros([2, 4, 5]), x, x)).toThrow(
      /queries must have shape \(batch, queries, 3\); got \(2, 4, 5\)/,
    );
  });

  it('throws ShapeError naming both shapes when validLens is neither (batch) nor (batch, queries)', () => {
    const attention = make();
    const x = zeros([2, 3, 8], { dtype: 'float64' });
    expect(() => attention.forward(x, x, x, [1, 2, 3])).toThrow(
      /validLens must have shape \(batch\) = \(2\) or \(batch, queries\) = \(2, 3\); got \(3\)/,
    );
    expect(() =>
      attention.forward(
        x,
        x,
        x,
        tensor(
          [
            [1, 2],
            [3, 3],
          ],
          { dtype: 'int32' },
        ),
      ),
    ).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a valid length greater than the number of keys', () => {
    const x = zeros([2, 3, 8], { dtype: 'float64' });
    expect(() => make().forward(x, x, x, [1, 4])).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when the mask does not broadcast to (batch, heads, queries, keys)', () => {
    const x = zeros([2, 3, 8], { dtype: 'float64' });
    const mask = ones([3, 3, 3], { dtype: 'bool' });
    expect(() => make().forward(x, x, x, undefined, { mask })).toThrow(
      /mask must broadcast to \(batch, heads, queries, keys\) = \(2, 4, 3, 3\) or be \(batch, queries, keys\) = \(2, 3, 3\); got \(3, 3, 3\)/,
    );
    expect(() =>
      make().forward(x, x, x, undefined, { mask: ones([1, 1, 1, 1, 3], { dtype: 'bool' }) }),
    ).toThrow(ShapeError);
  });

  it('throws InvalidArgumentError for a mask that is neither bool nor float', () => {
    const x = zeros([1, 2, 8], { dtype: 'float64' });
    const mask = ones([2, 2], { dtype: 'int32' });
    expect(() => make().forward(x, x, x, undefined, { mask })).toThrow(
      /mask must have dtype bool .* got int32/,
    );
    // A converted mask is fine.
    expect(
      make().forward(x, x, x, undefined, { mask: toAdditiveMask(causalMask(2), 'float64') }).shape,
    ).toEqual([1, 2, 8]);
  });

  it('throws ShapeError when headMask is not (numHeads)', () => {
    const x = zeros([1, 2, 8], { dtype: 'float64' });
    expect(() => make().forward(x, x, x, undefined, { headMask: [1, 0] })).toThrow(
      /headMask must have shape \(4\); got \(2\)/,
    );
  });

  it('throws ShapeError when the new keys do not extend the cached ones', () => {
    const attention = make();
    const cache = attention.createCache();
    selfCausal(attention, zeros([2, 2, 8], { dtype: 'float64' }), cache);
    expect(() => selfCausal(attention, zeros([1, 1, 8], { dtype: 'float64' }), cache)).toThrow(
      /keys must have shape \(2, 4, n, 2\) to extend the cached keys \(2, 4, 2, 2\); got \(1, 4, 1, 2\)/,
    );
  });

  it('throws InvalidArgumentError from headWeights() when no weights were kept', () => {
    expect(() => make().headWeights()).toThrow(InvalidArgumentError);
  });
});
