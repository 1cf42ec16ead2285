import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { combineMasks } from './combine-masks.js';
import { type BlockMask, blockMask, type KeepMask, keepMask, type MaskLike } from './mask-types.js';
import { maskedSoftmax } from './masked-softmax.js';

describe('keepMask', () => {
  it('brands a bool tensor without copying it', () => {
    const t = tensor([true, false]);
    const m = keepMask(t);
    expect(m).toBe(t);
    expect(m.toArray()).toEqual([true, false]);
  });

  it('keeps polarities apart at compile time', () => {
    // Checked by `tsc` (see README "Mask convention"); the runtime part checks the values.
    expectTypeOf<BlockMask>().not.toMatchTypeOf<KeepMask>();
    expectTypeOf<KeepMask>().not.toMatchTypeOf<BlockMask>();
    expectTypeOf<BlockMask>().not.toMatchTypeOf<MaskLike>();
    const block = blockMask(tensor([[false, true]]));
    const keep = keepMask(tensor([[true, true]]));
    // @ts-expect-error a BlockMask is not a KeepMask
    const rejected = () => combineMasks(keep, block);
    // @ts-expect-error a BlockMask cannot be the mask of maskedSoftmax
    const rejected2 = () => maskedSoftmax(tensor([[1, 2]]), { mask: block });
    expect([typeof rejected, typeof rejected2]).toEqual(['function', 'function']);
    expect(combineMasks(keep, keepMask(tensor([[true, false]]))).toArray()).toEqual([[true, false]]);
  });

  it('throws InvalidArgumentError for a non-bool tensor', () => {
    expect(() => keepMask(tensor([1, 0]))).toThrow(InvalidArgumentError);
    expect(() => keepMask(tensor([1, 0]))).toThrow(/keepMask: mask must have dtype bool; got float32/);
  });
});

describe('blockMask', () => {
  it('brands a bool tensor without copying it', () => {
    const t = tensor([false, true]);
    expect(blockMask(t)).toBe(t);
  });

  it('throws InvalidArgumentError for a non-bool tensor', () => {
    expect(() => blockMask(tensor([0, 1], { dtype: 'int32' }))).toThrow(InvalidArgumentError);
    expect(() => blockMask(tensor([0, 1], { dtype: 'int32' }))).toThrow(/got int32/);
  });
});
