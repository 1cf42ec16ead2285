import { InvalidArgumentError, mul, ShapeError, sum, tensor } from '@attnkit/tensor';
import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boolValues,
  broadcastableTo,
  broadcastRead,
  flat,
  referenceMaskedSoftmax,
  scoreValues,
  sizes,
} from '../test/helpers.js';
import { causalMask } from './causal-mask.js';
import { keepMask } from './mask-types.js';
import { maskedSoftmax } from './masked-softmax.js';
import { paddingMask } from './padding-mask.js';

const L2 = Math.log(2);
const L3 = Math.log(3);
const E = Math.exp(1);
const E3 = Math.exp(-3);

// (2, 2, 4) scores whose masked softmaxes have closed forms, e.g. softmax([0, ln 2]) = [1/3, 2/3].
const SCORES = [
  [
    [0, L2, 5, 7],
    [L3, 0, -3, 9],
  ],
  [
    [0, L2, L3, 4],
    [L2, L2, 0, 1],
  ],
];

/** validLens per flat row (batch * queries) from a (batch) or (batch, queries) array. */
function rowLens(lens: number[] | number[][], queries: number): number[] {
  return lens.flatMap((l) => (Array.isArray(l) ? l : new Array<number>(queries).fill(l)));
}

const lensArbitrary = sizes.chain(({ batch, queries, keys }) =>
  fc.record({
    batch: fc.constant(batch),
    queries: fc.constant(queries),
    keys: fc.constant(keys),
    scores: scoreValues(batch * queries * keys),
    lens: fc.oneof(
      fc.array(fc.integer({ min: 0, max: keys }), { minLength: batch, maxLength: batch }),
      fc.array(fc.array(fc.integer({ min: 0, max: keys }), { minLength: queries, maxLength: queries }), {
        minLength: batch,
        maxLength: batch,
      }),
    ) as fc.Arbitrary<number[] | number[][]>,
  }),
);

const maskArbitrary = sizes.chain(({ batch, queries, keys }) =>
  broadcastableTo([batch, queries, keys]).chain((maskShape) =>
    fc.record({
      shape: fc.constant([batch, queries, keys]),
      scores: scoreValues(batch * queries * keys),
      maskShape: fc.constant(maskShape),
      mask: boolValues(maskShape.reduce((a, b) => a * b, 1)),
    }),
  ),
);

describe('maskedSoftmax', () => {
  // --- examples -----------------------------------------------------------------------------
  it('gives zero weight to keys at or beyond validLens (D2L masked_softmax(rand(2, 2, 4), [2, 3]))', () => {
    const w = maskedSoftmax(tensor(SCORES), tensor([2, 3], { dtype: 'int32' }));
    expect(w.shape).toEqual([2, 2, 4]);
    const expected = [1 / 3, 2 / 3, 0, 0, 3 / 4, 1 / 4, 0, 0, 1 / 6, 2 / 6, 3 / 6, 0, 2 / 5, 2 / 5, 1 / 5, 0];
    expectClose(flat(w), expected, { atol: 1e-6, rtol: 0 });
  });

  it('takes one valid length per query (D2L validLens [[1, 3], [2, 4]])', () => {
    const w = maskedSoftmax(
      tensor(SCORES),
      tensor(
        [
          [1, 3],
          [2, 4],
        ],
        { dtype: 'int32' },
      ),
    );
    const s1 = 4 + E3;
    const s3 = 5 + E;
    const expected = [
      1,
      0,
      0,
      0,
      3 / s1,
      1 / s1,
      E3 / s1,
      0,
      1 / 3,
      2 / 3,
      0,
      0,
      2 / s3,
      2 / s3,
      1 / s3,
      E / s3,
    ];
    expectClose(flat(w), expected, { atol: 1e-6, rtol: 0 });
  });

  it('accepts float32 validLens holding integers and plain arrays, as D2L passes them', () => {
    const expected = [1 / 3, 2 / 3, 0, 0, 3 / 4, 1 / 4, 0, 0, 1 / 6, 2 / 6, 3 / 6, 0, 2 / 5, 2 / 5, 1 / 5, 0];
    expectClose(flat(maskedSoftmax(tensor(SCORES), tensor([2, 3]))), expected, { atol: 1e-6, rtol: 0 });
    expectClose(flat(maskedSoftmax(tensor(SCORES), [2, 3])), expected, { atol: 1e-6, rtol: 0 });
  });

  it('is a plain softmax over the last axis without validLens', () => {
    const w = maskedSoftmax(tensor([[[0, L2, L3]]]));
    expectClose(flat(w), [1 / 6, 2 / 6, 3 / 6], { atol: 1e-6, rtol: 0 });
  });

  it('makes a row with validLen 0 uniform, as D2L does', () => {
    const w = maskedSoftmax(tensor(SCORES), [0, 4]);
    expectClose(flat(w).slice(0, 8), new Array(8).fill(1 / 4), { atol: 1e-6, rtol: 0 });
  });

  it('gives zero weight where the mask is false and a zero row where every key is masked', () => {
    const mask = keepMask(
      tensor([
        [
          [true, true, false, false],
          [false, false, false, false],
        ],
        [
          [true, true, true, false],
          [true, true, true, true],
        ],
      ]),
    );
    const w = maskedSoftmax(tensor(SCORES), { mask });
    const s3 = 5 + E;
    const expected = [1 / 3, 2 / 3, 0, 0, 0, 0, 0, 0, 1 / 6, 2 / 6, 3 / 6, 0, 2 / s3, 2 / s3, 1 / s3, E / s3];
    expectClose(flat(w), expected, { atol: 1e-6, rtol: 0 });
  });

  it('broadcasts a (queries, keys) causal mask over the batch', () => {
    // bottom-right causalMask(2, 4): query 0 sees keys 0..2, query 1 sees all four.
    const w = maskedSoftmax(tensor(SCORES), { mask: causalMask(2, 4) });
    const s0 = 3 + Math.exp(5);
    const s1 = 4 + E3;
    const s2 = 6;
    const s3 = 5 + E;
    const expected = [
      ...[1 / s0, 2 / s0, Math.exp(5) / s0, 0],
      ...[
        3 / (s1 + Math.exp(9)),
        1 / (s1 + Math.exp(9)),
        E3 / (s1 + Math.exp(9)),
        Math.exp(9) / (s1 + Math.exp(9)),
      ],
      ...[1 / s2, 2 / s2, 3 / s2, 0],
      ...[2 / s3, 2 / s3, 1 / s3, E / s3],
    ];
    expectClose(flat(w), expected, { atol: 1e-6, rtol: 0 });
  });

  // --- properties ---------------------------------------------------------------------------
  it('matches an explicit loop with validLens: masked weights are exactly 0 and rows sum to 1', () => {
    fc.assert(
      fc.property(lensArbitrary, ({ batch, queries, keys, scores, lens }) => {
        const w = flat(maskedSoftmax(tensor(scores, { shape: [batch, queries, keys] }), lens));
        const perRow = rowLens(lens, queries);
        const ref = referenceMaskedSoftmax(scores.map(Math.fround), keys, (r, j) => j < perRow[r]!, 'd2l');
        expectClose(w, ref, { atol: 1e-5, rtol: 0 });
        perRow.forEach((len, r) => {
          const row = w.slice(r * keys, (r + 1) * keys);
          expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          // Exact zeros are the contract for rows with at least one valid key.
          if (len > 0) for (let j = len; j < keys; j++) expect(row[j]).toBe(0);
        });
      }),
    );
  });

  it('matches an explicit loop with a broadcast mask: masked weights are exactly 0, other rows sum to 1', () => {
    fc.assert(
      fc.property(maskArbitrary, ({ shape, scores, maskShape, mask }) => {
        const keys = shape[2]!;
        const keep = (r: number, j: number) => broadcastRead(mask, maskShape, shape, r * keys + j);
        const w = flat(
          maskedSoftmax(tensor(scores, { shape }), {
            mask: tensor(mask, { shape: maskShape, dtype: 'bool' }),
          }),
        );
        const ref = referenceMaskedSoftmax(scores.map(Math.fround), keys, keep, 'zero');
        expectClose(w, ref, { atol: 1e-5, rtol: 0 });
        for (let r = 0; r * keys < w.length; r++) {
          let visible = 0;
          let total = 0;
          for (let j = 0; j < keys; j++) {
            if (keep(r, j)) {
              visible++;
              total += w[r * keys + j]!;
            } else {
              expect(w[r * keys + j]).toBe(0); // exact zero is the contract
            }
          }
          expect(total).toBeCloseTo(visible > 0 ? 1 : 0, 5);
        }
      }),
    );
  });

  it('never changes its output when masked scores change, even to NaN or ±Infinity', () => {
    const anything = fc.double();
    fc.assert(
      fc.property(lensArbitrary, fc.array(anything, { minLength: 120, maxLength: 120 }), (p, noise) => {
        const { batch, queries, keys, scores, lens } = p;
        const perRow = rowLens(lens, queries);
        const changed = scores.map((v, i) => (i % keys < perRow[Math.floor(i / keys)]! ? v : noise[i]!));
        const shape = [batch, queries, keys];
        const a = flat(maskedSoftmax(tensor(scores, { shape }), lens));
        const b = flat(maskedSoftmax(tensor(changed, { shape }), lens));
        expectClose(a, b, { atol: 0, rtol: 0 });
      }),
    );
    fc.assert(
      fc.property(maskArbitrary, fc.array(anything, { minLength: 120, maxLength: 120 }), (p, noise) => {
        const { shape, scores, maskShape, mask } = p;
        const changed = scores.map((v, i) => (broadcastRead(mask, maskShape, shape, i) ? v : noise[i]!));
        const m = tensor(mask, { shape: maskShape, dtype: 'bool' });
        const a = flat(maskedSoftmax(tensor(scores, { shape }), { mask: m }));
        const b = flat(maskedSoftmax(tensor(changed, { shape }), { mask: m }));
        expectClose(a, b, { atol: 0, rtol: 0 });
      }),
    );
  });

  it('equals the mask form with paddingMask when every validLen is at least 1', () => {
    const positive = lensArbitrary.map((p) => ({
      ...p,
      lens: (p.lens as (number | number[])[]).map((l) =>
        Array.isArray(l) ? l.map((v) => Math.max(v, 1)) : Math.max(l, 1),
      ) as number[] | number[][],
    }));
    fc.assert(
      fc.property(positive, ({ batch, queries, keys, scores, lens }) => {
        const x = tensor(scores, { shape: [batch, queries, keys] });
        const a = flat(maskedSoftmax(x, lens));
        const b = flat(maskedSoftmax(x, { mask: paddingMask(lens, keys) }));
        expectClose(a, b, { atol: 1e-7, rtol: 0 });
      }),
    );
  });

  it('does not mutate its inputs', () => {
    fc.assert(
      fc.property(maskArbitrary, ({ shape, scores, maskShape, mask }) => {
        const x = tensor(scores, { shape });
        const m = tensor(mask, { shape: maskShape, dtype: 'bool' });
        const lens = tensor(new Array(shape[0]).fill(shape[2]! - 1), { dtype: 'int32' });
        const before = [flat(x), flat(m), flat(lens)];
        maskedSoftmax(x, { mask: m });
        maskedSoftmax(x, lens);
        expect([flat(x), flat(m), flat(lens)]).toEqual(before);
      }),
    );
  });

  // --- gradients ----------------------------------------------------------------------------
  it('matches finite differences with validLens (batch) and (batch, queries)', () => {
    fc.assert(
      fc.property(lensArbitrary, (p) => {
        const { batch, queries, keys, scores, lens } = p;
        const x = tensor(scores, { shape: [batch, queries, keys], dtype: 'float64', requiresGrad: true });
        checkGradients((x) => maskedSoftmax(x, lens), [x], { atol: 1e-6, rtol: 0 });
      }),
      { numRuns: 25 },
    );
  });

  it('matches finite differences with a broadcast mask', () => {
    fc.assert(
      fc.property(maskArbitrary, ({ shape, scores, maskShape, mask }) => {
        const m = tensor(mask, { shape: maskShape, dtype: 'bool' });
        const x = tensor(scores, { shape, dtype: 'float64', requiresGrad: true });
        checkGradients((x) => maskedSoftmax(x, { mask: m }), [x], { atol: 1e-6, rtol: 0 });
      }),
      { numRuns: 25 },
    );
  });

  it('gives zero weights and zero never NaN, for fully masked rows', () => {
    const scores = flat(tensor(SCORES));
    const mask = keepMask(
      tensor([
        [[false], [true]],
        [[false], [false]],
      ]),
    );
    const x = tensor(scores, { shape: [2, 2, 4], dtype: 'float64', requiresGrad: true });
    const w = maskedSoftmax(x, { mask });
    const values = flat(w);
    expect(values.some(Number.isNaN)).toBe(false);
    expectClose(values.slice(0, 4), [0, 0, 0, 0], { atol: 0, rtol: 0 });
    expectClose(values.slice(8), new Array(8).fill(0), { atol: 0, rtol: 0 });
    const weights = tensor(
      scores.map((_, i) => i + 1),
      { shape: [2, 2, 4], dtype: 'float64' },
    );
    sum(mul(w, weights)).backward();
    const analytic = flat(x.grad!);
    expect(analytic.some(Number.isNaN)).toBe(false);
    expectClose(analytic.slice(0, 4), [0, 0, 0, 0], { atol: 0, rtol: 0 });
    expectClose(analytic.slice(8), new Array(8).fill(0), { atol: 0, rtol: 0 });
    checkGradients((t) => maskedSoftmax(t, { mask }), [x], { atol: 1e-6, rtol: 0 });
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws ShapeError naming both shapes when validLens is neither (batch) nor (batch, queries)', () => {
    const x = tensor(SCORES);
    expect(() => maskedSoftmax(x, [1, 2, 3])).toThrow(ShapeError);
    expect(() => maskedSoftmax(x, [1, 2, 3])).toThrow(
      /\(batch\) = \(2\) or \(batch, queries\) = \(2, 2\).*\(2, 2, 4\); got \(3\)/,
    );
    expect(() =>
      maskedSoftmax(x, [
        [1, 2, 3],
        [1, 2, 3],
      ]),
    ).toThrow(/got \(2, 3\)/);
    expect(() => maskedSoftmax(x, tensor([[[1]]], { dtype: 'int32' }))).toThrow(ShapeError);
  });

  it('throws ShapeError when validLens is given and x is not 3-D', () => {
    expect(() => maskedSoftmax(tensor([[1, 2]]), [1])).toThrow(ShapeError);
    expect(() => maskedSoftmax(tensor([[1, 2]]), [1])).toThrow(/\(batch, queries, keys\).*got \(1, 2\)/);
  });

  it('throws InvalidArgumentError for negative, fractional or too-large validLens', () => {
    const x = tensor(SCORES);
    expect(() => maskedSoftmax(x, [-1, 2])).toThrow(InvalidArgumentError);
    expect(() => maskedSoftmax(x, [-1, 2])).toThrow(
      /must hold integers in \[0, [a-zA-Z]* = [0-9]*\]; got -1 /,
    );
    expect(() => maskedSoftmax(x, tensor([1.5, 2]))).toThrow(
      /must hold integers in \[0, [a-zA-Z]* = [0-9]*\]; got 1.5 /,
    );
    expect(() => maskedSoftmax(x, [2, 5])).toThrow(/must hold integers in \[0, keys = 4\]; got 5 /);
  });

  it('throws InvalidArgumentError when validLens is a bool tensor', () => {
    expect(() => maskedSoftmax(tensor(SCORES), tensor([true, false]) as never)).toThrow(InvalidArgumentError);
  });

  it('throws ShapeError when the mask does not broadcast to x', () => {
    const x = tensor(SCORES);
    expect(() => maskedSoftmax(x, { mask: tensor([true, false, true]) })).toThrow(ShapeError);
    expect(() => maskedSoftmax(x, { mask: tensor([true, false, true]) })).toThrow(
      /x \(2, 2, 4\) and mask \(3\)/,
    );
    const bigger = tensor(new Array(32).fill(true), { shape: [2, 2, 2, 4], dtype: 'bool' });
    expect(() => maskedSoftmax(x, { mask: bigger })).toThrow(
      /mask must broadcast to x's shape \(2, 2, 4\); got \(2, 2, 2, 4\)/,
    );
  });

  it('throws ShapeError when a mask is given and x is 0-D', () => {
    expect(() => maskedSoftmax(tensor(1), { mask: tensor(true) })).toThrow(ShapeError);
    expect(() => maskedSoftmax(tensor(1), { mask: tensor(true) })).toThrow(
      /at least one axis \(keys\); got \(\)/,
    );
  });

  it('throws InvalidArgumentError when the mask is not a bool tensor', () => {
    const x = tensor(SCORES);
    expect(() => maskedSoftmax(x, { mask: tensor([1, 0, 1, 0]) })).toThrow(InvalidArgumentError);
    expect(() => maskedSoftmax(x, { mask: tensor([1, 0, 1, 0]) })).toThrow(/dtype bool; got float32/);
    expect(() => maskedSoftmax(x, { mask: undefined as never })).toThrow(InvalidArgumentError);
  });
});
