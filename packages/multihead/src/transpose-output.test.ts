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

/** D2L transpose_output by explicit loops: out[b][i][h·d + c] = x[b·H + h][i][c]. */
function loopTransposeOutput(x: Tensor, heads: number): number[] {
  const [rows, n, d] = x.shape as [number, number, number];
  const v = x.toTypedArray();
  const out: number[] = [];
  for (let b = 0; b < rows / heads; b++)
    for (let i = 0; i < n; i++)
      for (let h = 0; h < heads; h++)
        for (let c = 0; c < d; c++) out.push(v[((b * heads + h) * n + i) * d + c]!);
  return out;
}

/** (batch·heads, n, d) with heads drawn, side ≤ 4. */
const folded = fc
  .record({
    batch: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 4 }),
    heads: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ batch, n, heads, d }) =>
    fc.record({ heads: fc.constant(heads), x: tensors({ shape: [batch * heads, n, d] }) }),
  );

describe('transposeOutput', () => {
  it('concatenates the heads of each batch entry along the features', () => {
    const x = reshape(arange(0, 8, 1, { dtype: 'float32' }), [2, 2, 2]); // batch 1, 2 heads
    expect(transposeOutput(x, 2).toArray()).toEqual([
      [
        [0, 1, 4, 5],
        [2, 3, 6, 7],
      ],
    ]);
  });

  it('agrees with the explicit loop for any shape', () => {
    fc.assert(
      fc.property(folded, ({ x, heads }) => {
        const y = transposeOutput(x, heads);
        expect(y.shape).toEqual([x.shape[0]! / heads, x.shape[1], heads * x.shape[2]!]);
        expect(Array.from(y.toTypedArray())).toEqual(loopTransposeOutput(x, heads));
      }),
    );
  });

  it('is inverted by transposeQKV', () => {
    fc.assert(
      fc.property(folded, ({ x, heads }) => {
        const back = transposeQKV(transposeOutput(x, heads), heads);
        expect(Array.from(back.toTypedArray())).toEqual(Array.from(x.toTypedArray()));
      }),
    );
  });

  it('has the gradient of a permutation', () => {
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => Math.cos(i)),
      { shape: [4, 3, 2], requiresGrad: true },
    );
    checkGradients((t) => transposeOutput(t, 2), [x]);
  });

  it('throws ShapeError when X is not 3-D', () => {
    expect(() => transposeOutput(zeros([4, 2, 2, 1]), 2)).toThrow(ShapeError);
    expect(() => transposeOutput(zeros([4, 2, 2, 1]), 2)).toThrow(/got \(4, 2, 2, 1\)/);
  });

  it('throws InvalidArgumentError when numHeads does not divide batch·heads or is not a positive integer', () => {
    expect(() => transposeOutput(zeros([6, 2, 2]), 4)).toThrow(InvalidArgumentError);
    expect(() => transposeOutput(zeros([6, 2, 2]), 4)).toThrow(
      /batch·heads \(6\).*divisible by numHeads \(4\)/,
    );
    expect(() => transposeOutput(zeros([6, 2, 2]), -1)).toThrow(InvalidArgumentError);
  });
});
