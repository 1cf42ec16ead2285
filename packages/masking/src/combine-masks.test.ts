import { InvalidArgumentError, ShapeError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boolValues, broadcastableTo, broadcastRead } from '../test/helpers.js';
import { causalMask } from './causal-mask.js';
import { combineMasks } from './combine-masks.js';
import { type KeepMask, keepMask } from './mask-types.js';
import { paddingMask } from './padding-mask.js';

describe('combineMasks', () => {
  // --- examples -----------------------------------------------------------------------------
  it('combines a causal mask with a padding mask into (batch, queries, keys)', () => {
    const m = combineMasks(causalMask(3), paddingMask([2, 3], 3));
    expect(m.shape).toEqual([2, 3, 3]);
    expect(m.toArray()).toEqual([
      [
        [true, false, false],
        [true, true, false],
        [true, true, false],
      ],
      [
        [true, false, false],
        [true, true, false],
        [true, true, true],
      ],
    ]);
  });

  it('returns a single mask unchanged', () => {
    const m = causalMask(2);
    expect(combineMasks(m)).toBe(m);
  });

  // --- properties ---------------------------------------------------------------------------
  it('is the elementwise AND of its masks under broadcasting', () => {
    const full = fc.tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 5 }),
    );
    const maskOf = (shape: readonly number[]) =>
      boolValues(shape.reduce((a, b) => a * b, 1)).map((values) => ({ shape: [...shape], values }));
    const problem = full.chain((target) =>
      fc.tuple(
        fc.constant(target),
        fc.array(broadcastableTo(target).chain(maskOf), { minLength: 1, maxLength: 3 }),
        maskOf(target),
      ),
    );
    fc.assert(
      fc.property(problem, ([target, parts, fullMask]) => {
        // The full-shape mask fixes the output shape; the others broadcast into it.
        const all = [...parts, fullMask];
        const masks = all.map((p) => keepMask(tensor(p.values, { shape: p.shape, dtype: 'bool' })));
        const out = combineMasks(...masks);
        expect(out.shape).toEqual(target);
        const got = Array.from(out.toTypedArray(), (v) => v === 1);
        got.forEach((v, i) => {
          expect(v).toBe(all.every((p) => broadcastRead(p.values, p.shape, target, i)));
        });
      }),
    );
  });

  // --- errors -------------------------------------------------------------------------------
  it('throws InvalidArgumentError for no masks or a non-bool mask', () => {
    expect(() => combineMasks()).toThrow(InvalidArgumentError);
    expect(() => combineMasks()).toThrow(/at least one mask/);
    expect(() => combineMasks(causalMask(2), tensor([1, 0]) as KeepMask)).toThrow(
      /masks\[1\] must have dtype bool/,
    );
  });

  it('throws ShapeError naming both shapes when masks do not broadcast', () => {
    expect(() => combineMasks(causalMask(2), causalMask(3))).toThrow(ShapeError);
    expect(() => combineMasks(causalMask(2), causalMask(3))).toThrow(
      /masks\[0\] \(2, 2\) and masks\[1\] \(3, 3\)/,
    );
  });
});
