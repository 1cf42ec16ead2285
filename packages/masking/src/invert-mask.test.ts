import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boolValues } from '../test/helpers.js';
import { invertMask } from './invert-mask.js';
import { blockMask, type KeepMask, keepMask } from './mask-types.js';

describe('invertMask', () => {
  it('turns a PyTorch nn.MultiheadAttention bool attn_mask (true = blocked) into a KeepMask', () => {
    const keep = invertMask(
      blockMask(
        tensor([
          [false, true],
          [false, false],
        ]),
      ),
    );
    expect(keep.toArray()).toEqual([
      [true, false],
      [true, true],
    ]);
  });

  it('negates every entry, keeps the shape and leaves its input unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(fc.constant(n), boolValues(n * 2))),
        ([n, values]) => {
          const t = tensor(values, { shape: [2, n], dtype: 'bool' });
          const out = invertMask(keepMask(t));
          expect(out.shape).toEqual([2, n]);
          expect(Array.from(out.toTypedArray(), (v) => v === 1)).toEqual(values.map((v) => !v));
          expect(Array.from(t.toTypedArray(), (v) => v === 1)).toEqual(values);
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a non-bool tensor', () => {
    expect(() => invertMask(tensor([1, 0]) as KeepMask)).toThrow(InvalidArgumentError);
    expect(() => invertMask(tensor([1, 0]) as KeepMask)).toThrow(/invertMask: mask must have dtype bool/);
  });
});
