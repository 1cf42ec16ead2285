import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finite } from '../../test/helpers.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { add } from './add.js';
import { additiveScores } from './additive-scores.js';
import { tensor, zeros } from './creation.js';
import { matmul } from './matmul.js';
import { squeeze } from './squeeze.js';
import { tanh } from './tanh.js';
import { unsqueeze } from './unsqueeze.js';

const values = (n: number): fc.Arbitrary<number[]> => fc.array(finite(-2, 2), { minLength: n, maxLength: n });
const cases = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    nq: fc.integer({ min: 1, max: 3 }),
    nk: fc.integer({ min: 1, max: 4 }),
    h: fc.integer({ min: 1, max: 4 }),
  })
  .chain(({ batch, nq, nk, h }) =>
    fc.record({
      q: values(batch * nq * h).map((v) =>
        tensor(v, { shape: [batch, nq, h], dtype: 'float64', requiresGrad: true }),
      ),
      k: values(batch * nk * h).map((v) =>
        tensor(v, { shape: [batch, nk, h], dtype: 'float64', requiresGrad: true }),
      ),
      w: values(h).map((v) => tensor(v, { dtype: 'float64', requiresGrad: true })),
    }),
  );

describe('additiveScores', () => {
  it('computes Σ_d w[d]·tanh(q[d] + k[d]) for every query–key pair', () => {
    const s = additiveScores(
      tensor([[[0.5, -1]]]),
      tensor([
        [
          [1, 0],
          [0, 1],
        ],
      ]),
      tensor([2, 1]),
    );
    expectClose(s, [[[2 * Math.tanh(1.5) + Math.tanh(-1), 2 * Math.tanh(0.5)]]]);
  });

  it("equals D2L's w_v(tanh(q.unsqueeze(2) + k.unsqueeze(1))).squeeze(-1)", () => {
    fc.assert(
      fc.property(cases, ({ q, k, w }) => {
        const features = tanh(add(unsqueeze(q, 2), unsqueeze(k, 1)));
        const expected = squeeze(matmul(features, unsqueeze(w, 1)), -1);
        expectClose(additiveScores(q, k, w), expected, { atol: 1e-12, rtol: 1e-12 });
      }),
    );
  });

  it('backpropagates into queries, keys and weight (finite differences)', () => {
    fc.assert(
      fc.property(cases, ({ q, k, w }) => {
        checkGradients((a, b, c) => additiveScores(a!, b!, c!), [q, k, w]);
      }),
      { numRuns: 40 },
    );
  });

  it('throws ShapeError when the batch, depth or weight shape disagree', () => {
    expect(() => additiveScores(zeros([2, 1, 3]), zeros([1, 4, 3]), zeros([3]))).toThrow(
      /keys must have shape \(2, keys, 3\)/,
    );
    expect(() => additiveScores(zeros([2, 1, 3]), zeros([2, 4, 3]), zeros([1, 3]))).toThrow(ShapeError);
    expect(() => additiveScores(zeros([1, 3]), zeros([2, 4, 3]), zeros([3]))).toThrow(
      /queries must have shape/,
    );
  });

  it('throws InvalidArgumentError for mixed or integer dtypes', () => {
    expect(() =>
      additiveScores(zeros([1, 1, 2]), zeros([1, 1, 2], { dtype: 'float64' }), zeros([2])),
    ).toThrow(InvalidArgumentError);
  });
});
