import {
  arange,
  InvalidArgumentError,
  reshape,
  ShapeError,
  type Tensor,
  tensor,
  zeros,
} from '@attnkit/tensor';
import { checkGradients, tensors } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transposeOutput } from './transpose-output.js';
import { transposeQKV } from './transpose-qkv.js';

/** D2L transpose_qkv by explicit loops: out[b·H + h][i][c] = x[b][i][h·d + c]. */
function loopTransposeQKV(x: Tensor, heads: number): number[] {
  const [batch, n, hiddens] = x.shape as [number, number, number];
  const d = hiddens / heads;
  const v = x.toTypedArray();
  const out: number[] = [];
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) out.push(v[(b * n + i) * hiddens + h * d + c]!);
  return out;
}

/** (batch, n, heads·d) with heads and d drawn, side ≤ 4. */
const splittable = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 4 }),
    heads: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ batch, n, heads, d }) =>
    fc.record({ heads: fc.constant(heads), x: tensors({ shape: [batch, n, heads * d] }) }),
  );

describe('transposeQKV', () => {
  it('puts head h of batch b in row b·heads + h with features [h·d, (h+1)·d)', () => {
    const x = reshape(arange(0, 16, 1, { dtype: 'float32' }), [2, 2, 4]);
    const y = transposeQKV(x, 2);
    expect(y.shape).toEqual([4, 2, 2]);
    expect(y.toArray()).toEqual([
      [
        [0, 1],
        [4, 5],
      ],
      [
        [2, 3],
        [6, 7],
      ],
      [
        [8, 9],
        [12, 13],
      ],
      [
        [10, 11],
        [14, 15],
      ],
    ]);
  });

  it('keeps an empty batch empty', () => {
    expect(transposeQKV(zeros([0, 3, 4]), 2).shape).toEqual([0, 3, 2]);
  });

  it('agrees with the explicit loop for any shape', () => {
    fc.assert(
      fc.property(splittable, ({ x, heads }) => {
        expect(Array.from(transposeQKV(x, heads).toTypedArray())).toEqual(loopTransposeQKV(x, heads));
      }),
    );
  });

  it('is inverted by transposeOutput', () => {
    fc.assert(
      fc.property(splittable, ({ x, heads }) => {
        const back = transposeOutput(transposeQKV(x, heads), heads);
        expect(back.shape).toEqual(x.shape);
        expect(Array.from(back.toTypedArray())).toEqual(Array.from(x.toTypedArray()));
      }),
    );
  });

  it('has the gradient of a permutation', () => {
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => Math.sin(i)),
      { shape: [2, 2, 6], requiresGrad: true },
    );
    checkGradients((t) => transposeQKV(t, 3), [x]);
  });

  it('throws ShapeError when X is not 3-D', () => {
    expect(() => transposeQKV(zeros([2, 4]), 2)).toThrow(ShapeError);
    expect(() => transposeQKV(zeros([2, 4]), 2)).toThrow(
      /X must have shape \(batch, n, hiddens\); got \(2, 4\)/,
    );
  });

  it('throws InvalidArgumentError when numHeads does not divide hiddens or is not a positive integer', () => {
    expect(() => transposeQKV(zeros([2, 3, 6]), 4)).toThrow(InvalidArgumentError);
    expect(() => transposeQKV(zeros([2, 3, 6]), 4)).toThrow(/hiddens \(6\).*divisible by numHeads \(4\)/);
    expect(() => transposeQKV(zeros([2, 3, 6]), 0)).toThrow(InvalidArgumentError);
    expect(() => transposeQKV(zeros([2, 3, 6]), 1.5)).toThrow(InvalidArgumentError);
  });
});
