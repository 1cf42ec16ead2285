import { InvalidArgumentError, ShapeError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paddingMask } from './padding-mask.js';

describe('paddingMask', () => {
  // --- examples -----------------------------------------------------------------------------
  it('gives (batch, 1, maxLen) for validLens (batch)', () => {
    const m = paddingMask(tensor([2, 3], { dtype: 'int32' }), 4);
    expect(m.dtype).toBe('bool');
    expect(m.shape).toEqual([2, 1, 4]);
    expect(m.toArray()).toEqual([[[true, true, false, false]], [[true, true, true, false]]]);
  });

  it('gives (batch, queries, maxLen) for validLens (batch, queries) (D2L [[1, 3], [2, 4]])', () => {
    const m = paddingMask(
      [
        [1, 3],
        [2, 4],
      ],
      4,
    );
    expect(m.shape).toEqual([2, 2, 4]);
    expect(m.toArray()).toEqual([
      [
        [true, false, false, false],
        [true, true, true, false],
      ],
      [
        [true, true, false, false],
        [true, true, true, true],
      ],
    ]);
  });

  it('accepts float validLens holding integers', () => {
    expect(paddingMask(tensor([0, 1]), 2).toArray()).toEqual([[[false, false]], [[true, false]]]);
  });

  // --- properties ---------------------------------------------------------------------------
  it('keeps position j of row b exactly when j < validLens[b]', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 6 })
          .chain((maxLen) =>
            fc.tuple(
              fc.constant(maxLen),
              fc.array(fc.integer({ min: 0, max: maxLen }), { minLength: 1, maxLength: 5 }),
            ),
          ),
        ([maxLen, lens]) => {
          const m = paddingMask(lens, maxLen);
          expect(m.shape).toEqual([lens.length, 1, maxLen]);
          const v = Array.from(m.toTypedArray());
          lens.forEach((len, b) => {
            for (let j = 0; j < maxLen; j++) expect(v[b * maxLen + j] === 1).toBe(j < len);
          });
        },
      ),
    );
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws ShapeError when validLens is neither 1-D nor 2-D', () => {
    expect(() => paddingMask(tensor([[[1]]]), 2)).toThrow(ShapeError);
    expect(() => paddingMask(tensor([[[1]]]), 2)).toThrow(/\(batch\) or \(batch, queries\); got \(1, 1, 1\)/);
  });

  it('throws InvalidArgumentError for a bad maxLen or bad lengths', () => {
    expect(() => paddingMask([1], -1)).toThrow(InvalidArgumentError);
    expect(() => paddingMask([1], 2.5)).toThrow(/maxLen must be a non-negative integer; got 2.5/);
    expect(() => paddingMask([3], 2)).toThrow(/must hold integers in \[0, maxLen = 2\]; got 3 /);
    expect(() => paddingMask([-2], 2)).toThrow(/must hold integers in \[0, [a-zA-Z]* = [0-9]*\]; got -2 /);
    expect(() => paddingMask([0.5], 2)).toThrow(/must hold integers in \[0, [a-zA-Z]* = [0-9]*\]; got 0.5 /);
    expect(() => paddingMask(tensor([true]) as never, 2)).toThrow(/got dtype bool/);
  });
});
