import { InvalidArgumentError, ones, ShapeError, tensor } from '@attnkit/tensor';
import { checkGradients, expectClose } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flat, scoreValues } from '../test/helpers.js';
import { sequenceMask } from './sequence-mask.js';

const cases = fc
  .record({
    batch: fc.integer({ min: 1, max: 4 }),
    maxLen: fc.integer({ min: 1, max: 6 }),
    trailing: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  })
  .chain(({ batch, maxLen, trailing }) => {
    const inner = trailing.reduce((a, b) => a * b, 1);
    return fc.record({
      shape: fc.constant([batch, maxLen, ...trailing]),
      inner: fc.constant(inner),
      values: scoreValues(batch * maxLen * inner),
      lens: fc.array(fc.integer({ min: 0, max: maxLen }), { minLength: batch, maxLength: batch }),
      value: fc.double({ min: -5, max: 5, noNaN: true }),
    });
  });

describe('sequenceMask', () => {
  // --- examples -----------------------------------------------------------------------------
  it('zeroes entries at or beyond each row valid length (D2L sequence_mask([[1, 2, 3], [4, 5, 6]], [1, 2]))', () => {
    const out = sequenceMask(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([1, 2], { dtype: 'int32' }),
    );
    expect(out.toArray()).toEqual([
      [1, 0, 0],
      [4, 5, 0],
    ]);
  });

  it('fills trailing axes with value (D2L sequence_mask(ones(2, 3, 4), [1, 2], value=-1))', () => {
    const out = sequenceMask(ones([2, 3, 4]), [1, 2], -1);
    expect(out.shape).toEqual([2, 3, 4]);
    const row = (v: number) => new Array(4).fill(v);
    expect(out.toArray()).toEqual([
      [row(1), row(-1), row(-1)],
      [row(1), row(1), row(-1)],
    ]);
  });

  // --- properties ---------------------------------------------------------------------------
  it('matches an explicit loop and never mutates x', () => {
    fc.assert(
      fc.property(cases, ({ shape, inner, values, lens, value }) => {
        const x = tensor(values, { shape, dtype: 'float64' });
        const out = flat(sequenceMask(x, lens, value));
        const maxLen = shape[1]!;
        const expected = values.map((v, i) => {
          const b = Math.floor(i / (maxLen * inner));
          const t = Math.floor(i / inner) % maxLen;
          return t < lens[b]! ? v : value;
        });
        expectClose(out, expected, { atol: 0, rtol: 0 });
        expectClose(flat(x), values, { atol: 0, rtol: 0 });
      }),
    );
  });

  // --- gradients ----------------------------------------------------------------------------
  it('passes gradients to kept entries and zero to masked ones (finite differences)', () => {
    fc.assert(
      fc.property(cases, ({ shape, values, lens, value }) => {
        const x = tensor(values, { shape, dtype: 'float64', requiresGrad: true });
        checkGradients((x) => sequenceMask(x, lens, value), [x], { atol: 1e-6, rtol: 0 });
      }),
      { numRuns: 25 },
    );
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws ShapeError when x has rank < 2', () => {
    expect(() => sequenceMask(tensor([1, 2]), [1])).toThrow(ShapeError);
    expect(() => sequenceMask(tensor([1, 2]), [1])).toThrow(/\(batch, maxLen, \.\.\.\); got \(2\)/);
  });

  it('throws ShapeError naming both shapes when validLens is not (batch)', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => sequenceMask(x, [1, 2, 3])).toThrow(ShapeError);
    expect(() => sequenceMask(x, [1, 2, 3])).toThrow(/\(batch\) = \(2\) to match x \(2, 3\); got \(3\)/);
    expect(() => sequenceMask(x, [[1], [2]])).toThrow(/got \(2, 1\)/);
  });

  it('throws InvalidArgumentError for negative, fractional or too-large lengths and bool validLens', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(() => sequenceMask(x, [-1, 2])).toThrow(InvalidArgumentError);
    expect(() => sequenceMask(x, tensor([1, 2.5]))).toThrow(
      /must hold integers in \[0, [a-zA-Z]* = [0-9]*\]; got 2.5 /,
    );
    expect(() => sequenceMask(x, [1, 4])).toThrow(/must hold integers in \[0, maxLen = 3\]; got 4 /);
    expect(() => sequenceMask(x, tensor([true, false]) as never)).toThrow(InvalidArgumentError);
  });
});
