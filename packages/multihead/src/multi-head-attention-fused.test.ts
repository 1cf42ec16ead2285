// MultiHeadAttention with needWeights: false — the fused (FlashAttention) path against the
// weights path and the float64 loop reference, and the calls that fall back to the weights path.
import type { MaskLike, ValidLens } from '@attnkit/masking';
import {
  concat,
  Generator,
  InvalidArgumentError,
  mul,
  narrow,
  randn,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import { expectClose, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReferenceOptions, referenceAttention } from '../test/helpers.js';
import type { KVCache } from './kv-cache.js';
import {
  MultiHeadAttention,
  type MultiHeadAttentionForwardOptions,
  type MultiHeadAttentionOptions,
} from './multi-head-attention.js';

/** A float32 module with seeded weights and eager input sizes, in eval mode. */
function make(options: Partial<MultiHeadAttentionOptions> = {}, seed = 0): MultiHeadAttention {
  return new MultiHeadAttention({
    numHiddens: 8,
    numHeads: 4,
    querySize: 5,
    keySize: 5,
    valueSize: 5,
    rng: new Generator(seed),
    ...options,
  }).eval();
}

/** A float32 N(0, 1) leaf that requires gradients. */
function leaf(shape: number[], seed: number): Tensor {
  const data = randn(shape, { dtype: 'float32', rng: new Generator(seed) }).toTypedArray();
  return tensor(data, { shape, dtype: 'float32', requiresGrad: true });
}

/**
 * Float32 agreement: |actual − expected| ≤ rtol·(scale + |expected|), with scale the largest
 * magnitude of `expected` but at least 0.1 (gradients that are 0 in exact arithmetic come out as
 * ±1e-8 rounding noise of either path).
 */
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-5): void {
  let scale = 0.1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  expectClose(Array.from(actual), Array.from(expected), { atol: rtol * scale, rtol });
}

interface Run {
  output: Float32Array;
  /** Gradients of Σ output·R w.r.t. queries, keys, values (null for an input given twice). */
  inputGrads: (Float32Array | null)[];
  /** Gradients of Σ output·R w.r.t. every parameter, by name. */
  paramGrads: Record<string, Float32Array>;
  /** attentionWeights right after the call. */
  weights: Tensor | null;
}

/**
 * One forward and backward of `module` on fresh copies of `[q, k, v]` (self-attention when k or v
 * is q), with L = Σ output·R for a fixed random R.
 */
function run(
  module: MultiHeadAttention,
  [q, k, v]: [Tensor, Tensor, Tensor],
  validLens: ValidLens | undefined,
  options: MultiHeadAttentionForwardOptions,
): Run {
  const copy = (t: Tensor) =>
    tensor(t.toTypedArray().slice(), { shape: t.shape, dtype: 'float32', requiresGrad: true });
  const a = copy(q);
  const b = k === q ? a : copy(k);
  const c = v === k ? b : v === q ? a : copy(v);
  module.zeroGrad();
  const output = module.forward(a, b, c, validLens, options);
  const weights = module.attentionWeights;
  const R = randn(output.shape, { dtype: 'float32', rng: new Generator(123) });
  sum(mul(output, R)).backward();
  const distinct = [a, b === a ? null : b, c === a || c === b ? null : c];
  return {
    output: output.toTypedArray() as Float32Array,
    inputGrads: distinct.map((t) => (t === null ? null : (t.grad!.toTypedArray() as Float32Array))),
    paramGrads: Object.fromEntries(
      module.namedParameters().map(([name, p]) => [name, p.grad!.toTypedArray() as Float32Array]),
    ),
    weights,
  };
}

/** Asserts the fused call ran (no weights) and matches the weights path in output and every gradient. */
function expectFusedMatches(
  module: MultiHeadAttention,
  qkv: [Tensor, Tensor, Tensor],
  validLens: ValidLens | undefined,
  options: MultiHeadAttentionForwardOptions = {},
): Run {
  const materialised = run(module, qkv, validLens, options);
  expect(materialised.weights).not.toBeNull();
  const fused = run(module, qkv, validLens, { ...options, needWeights: false });
  expect(fused.weights).toBeNull();
  expectNear(fused.output, materialised.output);
  fused.inputGrads.forEach((g, i) => {
    if (g === null) expect(materialised.inputGrads[i]).toBeNull();
    else expectNear(g, materialised.inputGrads[i]!);
  });
  for (const [name, g] of Object.entries(materialised.paramGrads)) expectNear(fused.paramGrads[name]!, g);
  return fused;
}

/** Asserts the fused output equals the float64 explicit-loop reference. */
function expectReference(
  module: MultiHeadAttention,
  output: ArrayLike<number>,
  [q, k, v]: [Tensor, Tensor, Tensor],
  options: Omit<ReferenceOptions, 'numHeads' | 'numKVHeads'>,
): void {
  const ref = referenceAttention(module, q, k, v, {
    numHeads: module.numHeads,
    numKVHeads: module.numKVHeads,
    ...options,
  });
  expectNear(output, ref.output);
}

const cross = (seed: number, batch = 2, nq = 3, nk = 5): [Tensor, Tensor, Tensor] => [
  leaf([batch, nq, 5], seed),
  leaf([batch, nk, 5], seed + 1),
  leaf([batch, nk, 5], seed + 2),
];

const self = (seed: number, batch = 2, n = 5): [Tensor, Tensor, Tensor] => {
  const x = leaf([batch, n, 5], seed);
  return [x, x, x];
};

describe('MultiHeadAttention', () => {
  it('with needWeights: false equals the weights path and the loop reference without a mask', () => {
    const attention = make({ bias: true }, 1);
    const qkv = cross(2);
    const fused = expectFusedMatches(attention, qkv, undefined);
    expectReference(attention, fused.output, qkv, {});
  });

  it('with needWeights: false equals the weights path with isCausal (self-attention and fewer queries than keys)', () => {
    const attention = make({}, 3);
    const selfQKV = self(4);
    expectReference(
      attention,
      expectFusedMatches(attention, selfQKV, undefined, { isCausal: true }).output,
      selfQKV,
      {
        causal: true,
      },
    );
    // Bottom-right: query i sees keys j ≤ i + keys − queries, as the kernel.
    const qkv = cross(5, 2, 3, 6);
    const fused = expectFusedMatches(attention, qkv, undefined, { isCausal: true });
    expectReference(attention, fused.output, qkv, { causal: true });
    // With as many queries as keys both alignments agree, so top-left fuses too.
    expectFusedMatches(attention, selfQKV, undefined, { isCausal: true, alignment: 'top-left' });
  });

  it('with needWeights: false equals the weights path with validLens (batch) and (batch, queries)', () => {
    const attention = make({}, 6);
    const qkv = cross(7);
    expectReference(attention, expectFusedMatches(attention, qkv, [5, 2]).output, qkv, { validLens: [5, 2] });
    const perQuery = [
      [1, 3, 5],
      [2, 2, 4],
    ];
    expectReference(attention, expectFusedMatches(attention, qkv, perQuery).output, qkv, {
      validLens: perQuery,
    });
    const asTensor = tensor(perQuery, { dtype: 'int32' });
    expectFusedMatches(attention, qkv, asTensor);
  });

  it('with needWeights: false and isCausal gives a query that sees no key a zero head output, as the weights path', () => {
    const attention = make({}, 8);
    const qkv = self(9, 2, 4);
    const lens = [
      [0, 2, 3, 4],
      [1, 0, 4, 4],
    ];
    const fused = expectFusedMatches(attention, qkv, lens, { isCausal: true });
    expectReference(attention, fused.output, qkv, { causal: true, validLens: lens });
    // Without W_o's bias the output of such a query is 0.
    expect(Array.from(fused.output.subarray(0, 8))).toEqual(new Array(8).fill(0));
  });

  it('with needWeights: false equals the weights path with rotary positions', () => {
    const attention = make({ positional: 'rotary' }, 10);
    const qkv = self(11, 2, 5);
    const fused = expectFusedMatches(attention, qkv, [5, 3], { isCausal: true });
    expectReference(attention, fused.output, qkv, { causal: true, rotary: {}, validLens: [5, 3] });
    const partial = make(
      { positional: 'rotary', rotary: { rotaryDim: 2, interleaved: true, base: 100 } },
      12,
    );
    expectFusedMatches(partial, qkv, undefined, { isCausal: true });
  });

  it('with needWeights: false equals the weights path with grouped-query and multi-query heads', () => {
    for (const numKVHeads of [2, 1]) {
      const attention = make({ numKVHeads, positional: 'rotary' }, 13);
      const qkv = cross(14, 2, 3, 4);
      const fused = expectFusedMatches(attention, qkv, [4, 2], { isCausal: true });
      expectReference(attention, fused.output, qkv, { causal: true, rotary: {}, validLens: [4, 2] });
    }
  });

  it('with needWeights: false equals the weights path with a head mask', () => {
    const attention = make({ bias: true }, 15);
    const qkv = cross(16);
    const fused = expectFusedMatches(attention, qkv, [3, 5], { headMask: [1, 0, 0.5, 2] });
    expectReference(attention, fused.output, qkv, { validLens: [3, 5], headMask: [1, 0, 0.5, 2] });
  });

  it('with needWeights: false decodes with a KV cache as one causal forward, step by step and in chunks', () => {
    const attention = make(
      { numKVHeads: 2, positional: 'rotary', querySize: 8, keySize: 8, valueSize: 8 },
      17,
    );
    const x = randn([2, 6, 8], { dtype: 'float32', rng: new Generator(18) });
    const decode = (needWeights: boolean): { out: Tensor; cache: KVCache; weights: (Tensor | null)[] } => {
      const cache = attention.createCache();
      const weights: (Tensor | null)[] = [];
      const steps = [
        [0, 3],
        [3, 1],
        [4, 1],
        [5, 1],
      ].map(([start, n]) => {
        const chunk = narrow(x, 1, start!, n!);
        const out = attention.forward(chunk, chunk, chunk, undefined, { cache, isCausal: true, needWeights });
        weights.push(attention.attentionWeights);
        return out;
      });
      return { out: concat(steps, 1), cache, weights };
    };
    const fused = decode(false);
    const materialised = decode(true);
    expect(fused.weights).toEqual([null, null, null, null]);
    expect(fused.cache.length).toBe(6);
    expectNear(fused.out.toTypedArray(), materialised.out.toTypedArray());
    const whole = attention.forward(x, x, x, undefined, { isCausal: true });
    expectNear(fused.out.toTypedArray(), whole.toTypedArray());
  });

  it('with needWeights: false leaves attentionWeights null instead of the weights of an earlier call', () => {
    const attention = make();
    const qkv = cross(19);
    attention.forward(...qkv);
    expect(attention.attentionWeights?.shape).toEqual([8, 3, 5]);
    attention.forward(...qkv, undefined, { needWeights: false });
    expect(attention.attentionWeights).toBeNull();
    expect(() => attention.headWeights()).toThrow(InvalidArgumentError);
    attention.forward(...qkv, [5, 1]);
    expect(attention.headWeights().shape).toEqual([2, 4, 3, 5]);
  });

  it('with needWeights: false fuses a module with dropout in eval mode', () => {
    const attention = make({ dropout: 0.5 }, 20);
    expectFusedMatches(attention, self(21), undefined, { isCausal: true });
  });

  it.each<
    [string, Partial<MultiHeadAttentionOptions>, MultiHeadAttentionForwardOptions, ValidLens | undefined]
  >([
    ['alibi', { positional: 'alibi' }, { isCausal: true }, undefined],
    ['a bool mask', {}, { mask: tensor([true, false, true, true, true], { dtype: 'bool' }) }, undefined],
    ['a float mask', {}, { mask: tensor([0, -1, 0.5, 0, 2], { dtype: 'float32' }) as MaskLike }, undefined],
    [
      'top-left causal with fewer queries than keys',
      {},
      { isCausal: true, alignment: 'top-left' },
      undefined,
    ],
    ['float64 parameters and inputs', { dtype: 'float64' }, {}, undefined],
  ])(
    'with needWeights: false falls back to the weights path and keeps them with %s',
    (_name, opts, fwd, lens) => {
      const attention = make(opts, 22);
      const dtype = opts.dtype ?? 'float32';
      const [q, k, v] = cross(23).map((t) => tensor(t.toTypedArray(), { shape: t.shape, dtype })) as [
        Tensor,
        Tensor,
        Tensor,
      ];
      const expected = attention.forward(q, k, v, lens, fwd).toTypedArray();
      const weights = attention.headWeights().toTypedArray();
      const out = attention.forward(q, k, v, lens, { ...fwd, needWeights: false });
      expect(Array.from(out.toTypedArray())).toEqual(Array.from(expected));
      expect(Array.from(attention.headWeights().toTypedArray())).toEqual(Array.from(weights));
    },
  );

  it('with needWeights: false falls back in training mode with dropout, and fuses in training mode without', () => {
    const x = randn([2, 4, 5], { dtype: 'float32', rng: new Generator(24) });
    const dropped = make({ dropout: 0.5 }, 25).train();
    dropped.forward(x, x, x, undefined, { isCausal: true, needWeights: false });
    expect(dropped.attentionWeights?.shape).toEqual([8, 4, 4]);
    const plain = make({}, 25).train();
    plain.forward(x, x, x, undefined, { isCausal: true, needWeights: false });
    expect(plain.attentionWeights).toBeNull();
  });

  it("with needWeights: false keeps D2L's uniform weights for validLen 0 without isCausal by falling back", () => {
    const attention = make({}, 26);
    const qkv = cross(27);
    const out = attention.forward(...qkv, [0, 3], { needWeights: false });
    // The weights path ran: row validLen 0 is uniform over all keys (D2L −1e6), not the kernel's zero output.
    const weights = attention.headWeights().toTypedArray();
    for (let j = 0; j < 5; j++) expect(weights[j]).toBeCloseTo(0.2, 6);
    expectReference(attention, out.toTypedArray(), qkv, { validLens: [0, 3] });
  });

  it('with needWeights: false equals the weights path for any small shapes, heads, lengths and causality', () => {
    const cases = fc
      .record({
        batch: fc.integer({ min: 1, max: 3 }),
        nq: fc.integer({ min: 1, max: 5 }),
        nk: fc.integer({ min: 1, max: 6 }),
        numKVHeads: fc.constantFrom(1, 2, 4),
        rotary: fc.boolean(),
        isCausal: fc.boolean(),
        perQuery: fc.boolean(),
      })
      .chain((c) =>
        fc.record({
          c: fc.constant(c),
          q: tensors({ shape: [c.batch, c.nq, 5], dtype: 'float32', min: -2, max: 2 }),
          kv: tensors({ shape: [c.batch, c.nk, 5], dtype: 'float32', min: -2, max: 2 }),
          // Lengths ≥ 1 without a causal mask: a 0 falls back (tested above).
          lens: fc.option(
            fc.array(fc.integer({ min: c.isCausal ? 0 : 1, max: c.nk }), {
              minLength: c.batch * (c.perQuery ? c.nq : 1),
              maxLength: c.batch * (c.perQuery ? c.nq : 1),
            }),
          ),
        }),
      );
    fc.assert(
      fc.property(cases, ({ c, q, kv, lens }) => {
        const attention = make(
          { numKVHeads: c.numKVHeads, ...(c.rotary ? { positional: 'rotary' } : {}) },
          28,
        );
        const validLens =
          lens === null
            ? undefined
            : c.perQuery
              ? Array.from({ length: c.batch }, (_, b) => lens.slice(b * c.nq, (b + 1) * c.nq))
              : lens;
        const fused = expectFusedMatches(attention, [q, kv, kv], validLens, { isCausal: c.isCausal });
        expectReference(attention, fused.output, [q, kv, kv], {
          causal: c.isCausal,
          ...(c.rotary ? { rotary: {} } : {}),
          ...(validLens === undefined ? {} : { validLens }),
        });
      }),
      { numRuns: 40 },
    );
  });
});
