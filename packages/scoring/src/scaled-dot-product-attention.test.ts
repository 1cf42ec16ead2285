import { causalMask, keepMask, paddingMask, toAdditiveMask } from '@attnkit/masking';
import {
  broadcastTo,
  eye,
  Generator,
  InvalidArgumentError,
  randn,
  reshape,
  ShapeError,
  sum,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import {
  attentionInputs,
  booleanMasks,
  causalNoLeak,
  checkGradients,
  expectClose,
  maskCorrectness,
  permutationInvariance,
  tensors,
  validLens,
} from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, referenceAttention } from '../test/helpers.js';
import {
  type ScaledDotProductAttentionOptions,
  scaledDotProductAttention,
} from './scaled-dot-product-attention.js';

const sdpa = (q: Tensor, k: Tensor, v: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor =>
  scaledDotProductAttention(q, k, v, options).output;

/** A float64 leaf of standard normal entries, reproducible from `seed`. */
const leaf = (shape: number[], seed: number): Tensor =>
  tensor(randn(shape, { dtype: 'float64', rng: new Generator(seed) }).toTypedArray(), {
    shape,
    dtype: 'float64',
    requiresGrad: true,
  });

/** Attention inputs with validLens per sequence or per query, every length ≥ minLen. */
const withLens = (minLen: number) =>
  attentionInputs({ maxSide: 5 }).chain((inputs) => {
    const [batch, numQueries] = inputs.queries.shape as [number, number];
    const numKeys = inputs.keys.shape[1]!;
    return fc.record({
      inputs: fc.constant(inputs),
      lens: fc.oneof(
        validLens({ batch, numKeys, minLen }),
        validLens({ batch, numKeys, perQuery: numQueries, minLen }),
      ),
    });
  });

/** keep(b, i, j) = j < lens[b] or j < lens[b, i], for lens (batch) | (batch, queries); b = batch·blocks + ... */
const keepBelow =
  (lens: Tensor, blocksPerBatch = 1) =>
  (b: number, i: number, j: number): boolean => {
    const l = flat(lens);
    const batch = Math.floor(b / blocksPerBatch);
    return j < (lens.ndim === 1 ? l[batch]! : l[batch * lens.shape[1]! + i]!);
  };

/** (batch, heads, queries, d) inputs with validLens per batch, as multi-head attention passes them. */
const multiHead = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    heads: fc.integer({ min: 1, max: 3 }),
    queries: fc.integer({ min: 1, max: 4 }),
    keys: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 4 }),
    v: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ batch, heads, queries, keys, d, v }) =>
    fc.record({
      q: tensors({ shape: [batch, heads, queries, d], min: -1, max: 1 }),
      k: tensors({ shape: [batch, heads, keys, d], min: -1, max: 1 }),
      v: tensors({ shape: [batch, heads, keys, v], min: -1, max: 1 }),
      lens: fc.oneof(
        validLens({ batch, numKeys: keys }),
        validLens({ batch, numKeys: keys, perQuery: queries }),
      ),
    }),
  );

/** `t` (batch, keys, ...) with the entries of keys j ≥ lens[b] taken from `other`. */
function replaceMasked(t: Tensor, other: Tensor, lens: Tensor): Tensor {
  const [batch, numKeys] = t.shape as [number, number];
  const inner = t.numel() / (batch * numKeys);
  const l = flat(lens);
  const out = flat(t);
  const o = flat(other);
  for (let i = 0; i < out.length; i++) {
    const b = Math.floor(i / (numKeys * inner));
    const j = Math.floor(i / inner) % numKeys;
    if (j >= l[b]!) out[i] = o[i]!;
  }
  return tensor(out, { shape: t.shape, dtype: t.dtype });
}

describe('scaledDotProductAttention', () => {
  // --- examples -----------------------------------------------------------------------------
  it('computes softmax(QKᵀ/√d)·V (hand-computed)', () => {
    const q = tensor([[[1, 0]]]);
    const k = tensor([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const v = tensor([
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    const { output, attentionWeights } = scaledDotProductAttention(q, k, v);
    const e = Math.exp(1 / Math.SQRT2); // scores [1/√2, 0]
    const w = [e / (e + 1), 1 / (e + 1)];
    expectClose(flat(attentionWeights), w, { atol: 1e-6, rtol: 0 });
    expectClose(flat(output), [w[0]! + 3 * w[1]!, 2 * w[0]! + 4 * w[1]!], { atol: 1e-6, rtol: 0 });
    expect(output.shape).toEqual([1, 1, 2]);
  });

  it('multiplies the scores by scale instead of 1/√d', () => {
    const k = tensor([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const { attentionWeights } = scaledDotProductAttention(tensor([[[1, 0]]]), k, k, { scale: 1 });
    expectClose(flat(attentionWeights), [Math.E / (Math.E + 1), 1 / (Math.E + 1)], { atol: 1e-6, rtol: 0 });
  });

  it('gives masked keys zero weight and a query with no visible key zero weights and a zero output', () => {
    const g = new Generator(1);
    const [q, k, v] = [
      randn([2, 3, 4], { rng: g }),
      randn([2, 5, 4], { rng: g }),
      randn([2, 5, 2], { rng: g }),
    ];
    const keep = tensor(
      [
        [true, false, true, true, false],
        [false, false, false, false, false],
        [true, true, true, true, true],
      ],
      {
        dtype: 'bool',
      },
    );
    const { output, attentionWeights } = scaledDotProductAttention(q, k, v, { mask: keep });
    const ref = referenceAttention(q, k, v, { keep: (_, i, j) => flat(keep)[i * 5 + j] === 1 });
    expectClose(flat(attentionWeights), ref.weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(output), ref.output, { atol: 1e-6, rtol: 0 });
    expect(flat(output).slice(2, 4)).toEqual([0, 0]); // batch 0, query 1
  });

  it('adds a float mask to the scores (an additive bias)', () => {
    const g = new Generator(2);
    const [q, k, v] = [
      randn([2, 3, 4], { rng: g }),
      randn([2, 5, 4], { rng: g }),
      randn([2, 5, 2], { rng: g }),
    ];
    const bias = randn([3, 5], { rng: g });
    const { output, attentionWeights } = scaledDotProductAttention(q, k, v, { mask: bias });
    const ref = referenceAttention(q, k, v, { bias: (_, i, j) => flat(bias)[i * 5 + j]! });
    expectClose(flat(attentionWeights), ref.weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(output), ref.output, { atol: 1e-6, rtol: 0 });
  });

  it('hides future keys with isCausal: bottom-right by default, top-left on request', () => {
    const g = new Generator(3);
    const [q, k, v] = [
      randn([1, 2, 3], { rng: g }),
      randn([1, 4, 3], { rng: g }),
      randn([1, 4, 2], { rng: g }),
    ];
    const bottomRight = scaledDotProductAttention(q, k, v, { isCausal: true });
    const refBR = referenceAttention(q, k, v, { keep: (_, i, j) => j <= i + 2 });
    expectClose(flat(bottomRight.attentionWeights), refBR.weights, { atol: 1e-6, rtol: 0 });
    const topLeft = scaledDotProductAttention(q, k, v, { isCausal: true, alignment: 'top-left' });
    const refTL = referenceAttention(q, k, v, { keep: (_, i, j) => j <= i });
    expectClose(flat(topLeft.attentionWeights), refTL.weights, { atol: 1e-6, rtol: 0 });
    expectClose(flat(topLeft.output), refTL.output, { atol: 1e-6, rtol: 0 });
  });

  it('keeps D2L semantics with validLens alone (length 0 is uniform) and zeroes empty rows once combined', () => {
    const g = new Generator(4);
    const [q, k, v] = [
      randn([2, 2, 3], { rng: g }),
      randn([2, 4, 3], { rng: g }),
      randn([2, 4, 2], { rng: g }),
    ];
    const lens = tensor([0, 3], { dtype: 'int32' });
    const d2l = scaledDotProductAttention(q, k, v, { validLens: lens });
    const ref = referenceAttention(q, k, v, { keep: keepBelow(lens), policy: 'd2l' });
    expectClose(flat(d2l.attentionWeights), ref.weights, { atol: 1e-6, rtol: 0 });
    expect(flat(d2l.attentionWeights).slice(0, 4)).toEqual([0.25, 0.25, 0.25, 0.25]);
    const combined = scaledDotProductAttention(q, k, v, { validLens: lens, isCausal: true });
    const refCombined = referenceAttention(q, k, v, {
      keep: (b, i, j) => keepBelow(lens)(b, i, j) && j <= i + 2,
    });
    expectClose(flat(combined.attentionWeights), refCombined.weights, { atol: 1e-6, rtol: 0 });
    expect(flat(combined.output).slice(0, 4)).toEqual([0, 0, 0, 0]);
  });

  it('applies validLens per batch to every middle axis: (batch, 2, 3, queries, d)', () => {
    const g = new Generator(5);
    const [q, k, v] = [
      randn([2, 2, 3, 2, 4], { rng: g }),
      randn([2, 2, 3, 5, 4], { rng: g }),
      randn([2, 2, 3, 5, 3], { rng: g }),
    ];
    for (const lens of [
      tensor([1, 4], { dtype: 'int32' }),
      tensor(
        [
          [2, 5],
          [0, 3],
        ],
        { dtype: 'int32' },
      ),
    ]) {
      const { output, attentionWeights } = scaledDotProductAttention(q, k, v, { validLens: lens });
      const ref = referenceAttention(q, k, v, { keep: keepBelow(lens, 6), policy: 'd2l' });
      expect(attentionWeights.shape).toEqual([2, 2, 3, 2, 5]);
      expectClose(flat(attentionWeights), ref.weights, { atol: 1e-6, rtol: 0 });
      expectClose(flat(output), ref.output, { atol: 1e-6, rtol: 0 });
    }
  });

  it('accepts validLens as plain arrays', () => {
    const g = new Generator(6);
    const [q, k, v] = [
      randn([2, 2, 3], { rng: g }),
      randn([2, 4, 3], { rng: g }),
      randn([2, 4, 2], { rng: g }),
    ];
    const fromArray = scaledDotProductAttention(q, k, v, {
      validLens: [
        [1, 2],
        [3, 4],
      ],
    }).output;
    const fromTensor = scaledDotProductAttention(q, k, v, {
      validLens: tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'int32' },
      ),
    });
    expectClose(flat(fromArray), flat(fromTensor.output), { atol: 0, rtol: 0 });
  });

  it('broadcasts leading axes: keys and values shared by every sequence', () => {
    const g = new Generator(7);
    const [q, k, v] = [randn([3, 2, 4], { rng: g }), randn([5, 4], { rng: g }), randn([5, 2], { rng: g })];
    const shared = scaledDotProductAttention(q, k, v).output;
    const ref = referenceAttention(
      q,
      broadcastTo(k, [3, 5, 4]).contiguous(),
      broadcastTo(v, [3, 5, 2]).contiguous(),
    );
    expect(shared.shape).toEqual([3, 2, 2]);
    expectClose(flat(shared), ref.output, { atol: 1e-6, rtol: 0 });
  });

  it('drops weights only in training: p = 1 gives zeros, training false gives the plain result', () => {
    const g = new Generator(8);
    const [q, k] = [randn([2, 3, 4], { rng: g }), randn([2, 5, 4], { rng: g })];
    const v = broadcastTo(eye(5), [2, 5, 5]); // output = the (dropped) weights
    const plain = scaledDotProductAttention(q, k, v);
    expect(flat(sdpa(q, k, v, { dropout: 1 }))).toEqual(new Array(30).fill(0));
    expect(flat(sdpa(q, k, v, { dropout: 0.5, training: false }))).toEqual(flat(plain.output));
    const dropped = scaledDotProductAttention(q, k, v, { dropout: 0.5, rng: new Generator(9) });
    expect(flat(dropped.attentionWeights)).toEqual(flat(plain.attentionWeights));
    const w = flat(plain.attentionWeights);
    const out = flat(dropped.output);
    expect(out.every((x, i) => x === 0 || Math.abs(x - 2 * w[i]!) < 1e-6)).toBe(true);
    expect(out.some((x) => x === 0)).toBe(true);
  });

  it('never mutates its inputs', () => {
    const [q, k, v] = [leaf([2, 3, 4], 10), leaf([2, 3, 4], 21), leaf([2, 3, 2], 22)];
    const mask = toAdditiveMask(causalMask(3), 'float64');
    const lens = tensor([2, 3], { dtype: 'int32' });
    const before = [q, k, v, mask, lens].map(flat);
    scaledDotProductAttention(q, k, v, {
      mask,
      validLens: lens,
      isCausal: true,
      dropout: 0.5,
    }).output.backward(tensor(new Array(12).fill(1), { shape: [2, 3, 2] }));
    expect([q, k, v, mask, lens].map(flat)).toEqual(before);
  });

  // --- properties ---------------------------------------------------------------------------
  it('gives masked weights exactly 0 and rows summing to 1, empty rows 0 (maskCorrectness)', () => {
    // Queries = the scores and keys = I with scale 1, so the weights are the masked softmax of the scores.
    const impl = (scores: Tensor, keep: Tensor): Tensor => {
      const identity = eye(scores.shape[scores.ndim - 1]!);
      return scaledDotProductAttention(scores, identity, identity, { mask: keep, scale: 1 }).attentionWeights;
    };
    fc.assert(maskCorrectness(impl, { minRank: 2, fullyMaskedRows: true }));
  });

  it('matches an explicit loop with validLens (D2L) and with a boolean mask', () => {
    fc.assert(
      fc.property(withLens(0), ({ inputs: { queries, keys, values }, lens }) => {
        const ref = referenceAttention(queries, keys, values, { keep: keepBelow(lens), policy: 'd2l' });
        expectClose(flat(sdpa(queries, keys, values, { validLens: lens })), ref.output, {
          atol: 1e-5,
          rtol: 0,
        });
        const mask = paddingMask(lens, keys.shape[1]!);
        const refMask = referenceAttention(queries, keys, values, { keep: keepBelow(lens) });
        expectClose(flat(sdpa(queries, keys, values, { mask })), refMask.output, { atol: 1e-5, rtol: 0 });
      }),
    );
  });

  it('never changes the output when masked keys and values change', () => {
    const cases = attentionInputs({ maxSide: 5 }).chain((inputs) =>
      fc.record({
        inputs: fc.constant(inputs),
        otherKeys: tensors({ shape: inputs.keys.shape, min: -5, max: 5 }),
        otherValues: tensors({ shape: inputs.values.shape, min: -5, max: 5 }),
        lens: validLens({ batch: inputs.keys.shape[0]!, numKeys: inputs.keys.shape[1]! }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ inputs: { queries, keys, values }, otherKeys, otherValues, lens }) => {
        const k2 = replaceMasked(keys, otherKeys, lens);
        const v2 = replaceMasked(values, otherValues, lens);
        const mask = paddingMask(lens, keys.shape[1]!);
        expect(flat(sdpa(queries, k2, v2, { mask }))).toEqual(flat(sdpa(queries, keys, values, { mask })));
        if (flat(lens).every((l) => l > 0)) {
          // D2L's −1e6 path: a visible key exists in every row, so the masked ones weigh exactly 0.
          const before = flat(sdpa(queries, keys, values, { validLens: lens }));
          expectClose(flat(sdpa(queries, k2, v2, { validLens: lens })), before, { atol: 0, rtol: 0 });
        }
      }),
    );
  });

  it('is invariant to jointly permuting the key-value pairs (permutationInvariance)', () => {
    fc.assert(permutationInvariance(sdpa, { options: { scale: 0.7 } }));
    fc.assert(permutationInvariance(sdpa, { dtype: 'float64', min: -3, max: 3 }));
  });

  it('with isCausal, makes the output at i independent of inputs after i (causalNoLeak), and leaks without', () => {
    fc.assert(causalNoLeak(sdpa, { options: { isCausal: true } }));
    fc.assert(
      causalNoLeak(sdpa, {
        options: { isCausal: true, alignment: 'top-left', mask: toAdditiveMask(causalMask(1)) },
      }),
    );
    expect(fc.check(causalNoLeak(sdpa, { options: { isCausal: false } })).failed).toBe(true);
  });

  it('gives the same result with validLens as with the paddingMask of the same lengths (lengths ≥ 1)', () => {
    fc.assert(
      fc.property(withLens(1), ({ inputs: { queries, keys, values }, lens }) => {
        const a = scaledDotProductAttention(queries, keys, values, { validLens: lens });
        const b = scaledDotProductAttention(queries, keys, values, {
          mask: paddingMask(lens, keys.shape[1]!),
        });
        expectClose(flat(a.attentionWeights), flat(b.attentionWeights), { atol: 1e-6, rtol: 0 });
        expectClose(flat(a.output), flat(b.output), { atol: 1e-6, rtol: 0 });
      }),
    );
  });

  it('gives the same result with a 0/−∞ float mask as with the boolean mask, empty rows included', () => {
    const cases = attentionInputs({ maxSide: 5 }).chain((inputs) =>
      fc.record({
        inputs: fc.constant(inputs),
        keep: booleanMasks({ shape: [inputs.queries.shape[1]!, inputs.keys.shape[1]!] }),
      }),
    );
    fc.assert(
      fc.property(cases, ({ inputs: { queries, keys, values }, keep }) => {
        const a = scaledDotProductAttention(queries, keys, values, { mask: keepMask(keep) });
        const b = scaledDotProductAttention(queries, keys, values, { mask: toAdditiveMask(keepMask(keep)) });
        expectClose(flat(a.attentionWeights), flat(b.attentionWeights), { atol: 1e-6, rtol: 0 });
        expectClose(flat(a.output), flat(b.output), { atol: 1e-6, rtol: 0 });
      }),
    );
  });

  it('handles (batch, heads, queries, d) with validLens per batch like an explicit loop', () => {
    fc.assert(
      fc.property(multiHead, ({ q, k, v, lens }) => {
        const heads = q.shape[1]!;
        const { output, attentionWeights } = scaledDotProductAttention(q, k, v, { validLens: lens });
        const ref = referenceAttention(q, k, v, { keep: keepBelow(lens, heads), policy: 'd2l' });
        expectClose(flat(attentionWeights), ref.weights, { atol: 1e-5, rtol: 0 });
        expectClose(flat(output), ref.output, { atol: 1e-5, rtol: 0 });
        const masked = sdpa(q, k, v, { validLens: lens, isCausal: true });
        const refCausal = referenceAttention(q, k, v, {
          keep: (b, i, j) => keepBelow(lens, heads)(b, i, j) && j <= i + k.shape[2]! - q.shape[2]!,
        });
        expectClose(flat(masked), refCausal.output, { atol: 1e-5, rtol: 0 });
      }),
    );
  });

  // --- gradients ----------------------------------------------------------------------------
  it('has gradients that match finite differences with validLens, masks and isCausal', () => {
    const [q, k, v] = [leaf([2, 3, 4], 11), leaf([2, 5, 4], 12), leaf([2, 5, 3], 13)];
    const lens = tensor(
      [
        [2, 0, 5],
        [1, 3, 4],
      ],
      { dtype: 'int32' },
    );
    checkGradients((a, b, c) => sdpa(a, b, c, { validLens: lens }), [q, k, v]);
    checkGradients((a, b, c) => sdpa(a, b, c, { validLens: lens, isCausal: true }), [q, k, v]);
    checkGradients((a, b, c) => sdpa(a, b, c, { mask: paddingMask([0, 4], 5), scale: 0.3 }), [q, k, v]);
  });

  it('has gradients that match finite differences in a float mask and over leading axes', () => {
    const [q, k, v] = [leaf([2, 2, 3, 4], 14), leaf([2, 2, 5, 4], 15), leaf([2, 2, 5, 3], 16)];
    const bias = leaf([3, 5], 17);
    checkGradients((a, b, c, m) => sdpa(a, b, c, { mask: m }), [q, k, v, bias]);
    checkGradients((a, b, c) => sdpa(a, b, c, { validLens: [1, 5] }), [q, k, v]);
  });

  it('gives finite zero gradients to a fully masked row', () => {
    const q = leaf([1, 2, 3], 18);
    const k = leaf([1, 4, 3], 19);
    const keep = tensor(
      [
        [false, false, false, false],
        [true, true, false, true],
      ],
      { dtype: 'bool' },
    );
    sum(sdpa(q, k, leaf([1, 4, 2], 20), { mask: keep })).backward();
    const gq = flat(q.grad as Tensor);
    expect(gq.every(Number.isFinite)).toBe(true);
    expect(gq.slice(0, 3)).toEqual([0, 0, 0]);
  });

  // --- errors -------------------------------------------------------------------------------
  const [q, k, v] = [randn([2, 3, 4]), randn([2, 5, 4]), randn([2, 5, 2])];

  it('throws ShapeError when an input has fewer than 2 axes or the depths or key counts differ', () => {
    expect(() => scaledDotProductAttention(randn([4]), k, v)).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, randn([2, 5, 3]), v)).toThrow(
      /keys must have shape \(\.\.\., keys, 4\)/,
    );
    expect(() => scaledDotProductAttention(q, k, randn([2, 4, 2]))).toThrow(
      /values must have shape \(\.\.\., 5, v\)/,
    );
  });

  it('throws ShapeError when the leading axes do not broadcast', () => {
    expect(() => scaledDotProductAttention(q, randn([3, 5, 4]), randn([3, 5, 2]))).toThrow(ShapeError);
    expect(() => scaledDotProductAttention(q, k, randn([3, 5, 2]))).toThrow(ShapeError);
  });

  it('throws ShapeError when the mask does not broadcast to (..., queries, keys)', () => {
    expect(() => sdpa(q, k, v, { mask: tensor([true, false], { dtype: 'bool' }) })).toThrow(ShapeError);
    expect(() => sdpa(q, k, v, { mask: reshape(causalMask(3, 5), [1, 1, 3, 5]) })).toThrow(ShapeError);
  });

  it('throws ShapeError for validLens without a batch axis or of the wrong shape', () => {
    expect(() => sdpa(randn([3, 4]), randn([5, 4]), randn([5, 2]), { validLens: [1] })).toThrow(
      /needs a batch axis/,
    );
    expect(() => sdpa(q, k, v, { validLens: [1, 2, 3] })).toThrow(ShapeError);
    expect(() =>
      sdpa(q, k, v, {
        validLens: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toThrow(/validLens must have shape \(batch\) = \(2\)/);
  });

  it('throws InvalidArgumentError for an int32 mask or a float mask with NaN', () => {
    expect(() => sdpa(q, k, v, { mask: tensor([[1, 0, 1, 1, 1]], { dtype: 'int32' }) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => sdpa(q, k, v, { mask: tensor([[0, Number.NaN, 0, 0, 0]]) })).toThrow(InvalidArgumentError);
  });

  it('throws InvalidArgumentError for a non-finite scale, a dropout outside [0, 1] or an unknown alignment', () => {
    expect(() => sdpa(q, k, v, { scale: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => sdpa(q, k, v, { scale: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
    expect(() => sdpa(q, k, v, { dropout: 1.5 })).toThrow(/dropout must be a number in \[0, 1\]/);
    expect(() => sdpa(q, k, v, { isCausal: true, alignment: 'center' as unknown as 'top-left' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('throws InvalidArgumentError for a negative, fractional or too large length', () => {
    expect(() => sdpa(q, k, v, { validLens: [6, 1] })).toThrow(InvalidArgumentError);
    expect(() => sdpa(q, k, v, { validLens: [-1, 1] })).toThrow(InvalidArgumentError);
    expect(() => sdpa(q, k, v, { validLens: [1.5, 1], isCausal: true })).toThrow(InvalidArgumentError);
  });
});
