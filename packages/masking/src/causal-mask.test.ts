import { InvalidArgumentError } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causalMask } from './causal-mask.js';

describe('causalMask', () => {
  // --- examples -----------------------------------------------------------------------------
  it('keeps the lower triangle of a square mask', () => {
    const m = causalMask(3);
    expect(m.dtype).toBe('bool');
    expect(m.toArray()).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('aligns the diagonal bottom-right by default (cached decoding: the last query sees every key)', () => {
    expect(causalMask(2, 4).toArray()).toEqual([
      [true, true, true, false],
      [true, true, true, true],
    ]);
  });

  it('aligns the diagonal top-left like PyTorch sdpa is_causal', () => {
    expect(causalMask(2, 4, { alignment: 'top-left' }).toArray()).toEqual([
      [true, false, false, false],
      [true, true, false, false],
    ]);
  });

  it('fully masks the first rows when queries outnumber keys (bottom-right)', () => {
    expect(causalMask(4, 2).toArray()).toEqual([
      [false, false],
      [false, false],
      [true, false],
      [true, true],
    ]);
  });

  // --- properties ---------------------------------------------------------------------------
  it('matches j <= i + (numKeys - numQueries) bottom-right and j <= i top-left', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('bottom-right' as const, 'top-left' as const),
        (nq, nk, alignment) => {
          const m = causalMask(nq, nk, { alignment });
          expect(m.shape).toEqual([nq, nk]);
          const values = Array.from(m.toTypedArray());
          const offset = alignment === 'bottom-right' ? nk - nq : 0;
          for (let i = 0; i < nq; i++) {
            for (let j = 0; j < nk; j++) expect(values[i * nk + j] === 1).toBe(j <= i + offset);
          }
        },
      ),
    );
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws InvalidArgumentError for negative or fractional sizes', () => {
    expect(() => causalMask(-1)).toThrow(InvalidArgumentError);
    expect(() => causalMask(-1)).toThrow(/numQueries must be a non-negative integer; got -1/);
    expect(() => causalMask(2, 1.5)).toThrow(/numKeys must be a non-negative integer; got 1.5/);
  });

  it('throws InvalidArgumentError for an unknown alignment', () => {
    expect(() => causalMask(2, 2, { alignment: 'left' as never })).toThrow(InvalidArgumentError);
    expect(() => causalMask(2, 2, { alignment: 'left' as never })).toThrow(
      /'bottom-right' or 'top-left'; got "left"/,
    );
  });
});
