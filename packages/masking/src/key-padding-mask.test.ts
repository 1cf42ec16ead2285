import { InvalidArgumentError, ShapeError, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { fromKeyPaddingMask, toKeyPaddingMask } from './key-padding-mask.js';
import { type KeepMask, keepMask } from './mask-types.js';
import { paddingMask } from './padding-mask.js';

describe('fromKeyPaddingMask', () => {
  it('turns a PyTorch key_padding_mask (batch, keys), true = padding, into a KeepMask (batch, 1, keys)', () => {
    const keep = fromKeyPaddingMask(
      tensor([
        [false, false, true],
        [false, true, true],
      ]),
    );
    expect(keep.shape).toEqual([2, 1, 3]);
    expect(keep.toArray()).toEqual([[[true, true, false]], [[true, false, false]]]);
  });

  it('gives what paddingMask gives for the same lengths', () => {
    const kpm = tensor([
      [false, false, true, true],
      [false, false, false, true],
    ]);
    expect(fromKeyPaddingMask(kpm).toArray()).toEqual(paddingMask([2, 3], 4).toArray());
  });

  it('throws ShapeError unless the mask is (batch, keys)', () => {
    expect(() => fromKeyPaddingMask(tensor([true, false]))).toThrow(ShapeError);
    expect(() => fromKeyPaddingMask(tensor([true, false]))).toThrow(/\(batch, keys\); got \(2\)/);
  });

  it('throws InvalidArgumentError for a non-bool mask', () => {
    expect(() => fromKeyPaddingMask(tensor([[1, 0]]))).toThrow(InvalidArgumentError);
  });
});

describe('toKeyPaddingMask', () => {
  it('turns a (batch, 1, keys) KeepMask into a PyTorch key_padding_mask (batch, keys)', () => {
    const kpm = toKeyPaddingMask(paddingMask([2, 3], 4));
    expect(kpm.shape).toEqual([2, 4]);
    expect(kpm.toArray()).toEqual([
      [false, false, true, true],
      [false, false, false, true],
    ]);
  });

  it('accepts a (batch, keys) KeepMask and round-trips with fromKeyPaddingMask', () => {
    const keep = keepMask(tensor([[true, false, true]]));
    expect(toKeyPaddingMask(keep).toArray()).toEqual([[false, true, false]]);
    const kpm = tensor([
      [true, false],
      [false, false],
    ]);
    expect(toKeyPaddingMask(fromKeyPaddingMask(kpm)).toArray()).toEqual(kpm.toArray());
  });

  it('throws ShapeError unless the mask is (batch, keys) or (batch, 1, keys)', () => {
    const perQuery = keepMask(tensor([[[true], [false]]]));
    expect(() => toKeyPaddingMask(perQuery)).toThrow(ShapeError);
    expect(() => toKeyPaddingMask(perQuery)).toThrow(
      /\(batch, keys\) or \(batch, 1, keys\); got \(1, 2, 1\)/,
    );
  });

  it('throws InvalidArgumentError for a non-bool mask', () => {
    expect(() => toKeyPaddingMask(tensor([[1, 0]]) as KeepMask)).toThrow(InvalidArgumentError);
  });
});
