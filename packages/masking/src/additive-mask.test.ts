import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boolValues } from '../test/helpers.js';
import { fromAdditiveMask, toAdditiveMask } from './additive-mask.js';
import { causalMask } from './causal-mask.js';
import { type KeepMask, keepMask } from './mask-types.js';

const NEG = Number.NEGATIVE_INFINITY;
// PyTorch nn.Transformer.generate_square_subsequent_mask(3).
const SUBSEQUENT_3 = [
  [0, NEG, NEG],
  [0, 0, NEG],
  [0, 0, 0],
];

describe('fromAdditiveMask', () => {
  it('reads PyTorch generate_square_subsequent_mask as the causal KeepMask', () => {
    expect(fromAdditiveMask(tensor(SUBSEQUENT_3)).toArray()).toEqual([
      [true, false, false],
      [true, true, false],
      [true, true, true],
    ]);
  });

  it('keeps finite biases and blocks only -Infinity by default; threshold handles -1e9 masks', () => {
    expect(fromAdditiveMask(tensor([0, -1.5, -1e9, NEG], { dtype: 'float64' })).toArray()).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(fromAdditiveMask(tensor([0, -1.5, -1e9, NEG]), { threshold: -1e4 }).toArray()).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it('inverts toAdditiveMask for any bool mask', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(fc.constant(n), boolValues(3 * n))),
        fc.constantFrom('float32' as const, 'float64' as const),
        ([n, values], dtype) => {
          const keep = keepMask(tensor(values, { shape: [3, n], dtype: 'bool' }));
          const back = fromAdditiveMask(toAdditiveMask(keep, dtype));
          expect(back.shape).toEqual([3, n]);
          expect(Array.from(back.toTypedArray(), (v) => v === 1)).toEqual(values);
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a non-float mask, NaN entries or a NaN threshold', () => {
    expect(() => fromAdditiveMask(tensor([true, false]))).toThrow(InvalidArgumentError);
    expect(() => fromAdditiveMask(tensor([true, false]))).toThrow(/float32 or float64.*got bool/);
    expect(() => fromAdditiveMask(tensor([0, 1], { dtype: 'int32' }))).toThrow(/got int32/);
    expect(() => fromAdditiveMask(tensor([0, Number.NaN]))).toThrow(
      /must hold finite values or -Infinity \(blocked\); got NaN at flat index 1/,
    );
    expect(() => fromAdditiveMask(tensor([0]), { threshold: Number.NaN })).toThrow(
      /threshold must be a number/,
    );
  });
});

describe('toAdditiveMask', () => {
  it('gives PyTorch generate_square_subsequent_mask for a causal mask', () => {
    const additive = toAdditiveMask(causalMask(3));
    expect(additive.dtype).toBe('float32');
    expect(additive.toArray()).toEqual(SUBSEQUENT_3);
    expect(toAdditiveMask(causalMask(3), 'float64').dtype).toBe('float64');
  });

  it('maps true to 0 and false to -Infinity entry by entry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(fc.constant(n), boolValues(n))),
        ([n, values]) => {
          const out = toAdditiveMask(keepMask(tensor(values, { shape: [n], dtype: 'bool' })));
          expect(Array.from(out.toTypedArray())).toEqual(values.map((v) => (v ? 0 : NEG)));
        },
      ),
    );
  });

  it('throws InvalidArgumentError for a non-bool mask or a non-float dtype', () => {
    expect(() => toAdditiveMask(tensor([0, 1]) as KeepMask)).toThrow(InvalidArgumentError);
    expect(() => toAdditiveMask(tensor([0, 1]) as KeepMask)).toThrow(/dtype bool; got float32/);
    expect(() => toAdditiveMask(causalMask(2), 'int32')).toThrow(/float32 or float64; got int32/);
  });
});
