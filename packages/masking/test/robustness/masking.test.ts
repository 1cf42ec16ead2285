import { InvalidArgumentError, MemoryLimitError, ShapeError, tensor } from '@attnkit/tensor';
import { type ErrorClass, expectThrows } from '@attnkit/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  causalMask,
  fromAdditiveMask,
  keepMask,
  maskedSoftmax,
  paddingMask,
  sequenceMask,
} from '../../src/index.js';

/** One bad call: the call, the error class and a pattern naming the argument. */
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

const expectCase = ([, call, cls, pattern]: Case): void => {
  expectThrows(call, cls, pattern);
};

const scores = () => tensor(new Float32Array(2 * 2 * 3), { shape: [2, 2, 3] });

describe('robustness: masking rejects bad input with errors naming the argument', () => {
  const cases: Case[] = [
    [
      'maskedSoftmax(x, null)',
      () => maskedSoftmax(scores(), null as never),
      InvalidArgumentError,
      /^maskedSoftmax: the second argument must be validLens .* or an options object \{ mask \}; got null/,
    ],
    [
      "maskedSoftmax(x, ['1', '2'])",
      () => maskedSoftmax(scores(), ['1', '2'] as never),
      InvalidArgumentError,
      /^maskedSoftmax: validLens must hold numbers; got '1'/,
    ],
    [
      'maskedSoftmax(x, 2)',
      () => maskedSoftmax(scores(), 2 as never),
      InvalidArgumentError,
      /second argument must be validLens/,
    ],
    [
      'maskedSoftmax unknown option',
      () => maskedSoftmax(scores(), { mask: causalMask(2, 3), causal: true } as never),
      InvalidArgumentError,
      /unknown option 'causal'/,
    ],
    [
      'maskedSoftmax mask: array',
      () => maskedSoftmax(scores(), { mask: [true] as never }),
      InvalidArgumentError,
      /mask must be a bool Tensor; got an array/,
    ],
    [
      'maskedSoftmax bool validLens',
      () => maskedSoftmax(scores(), tensor([true, false])),
      InvalidArgumentError,
      /validLens .*dtype bool/,
    ],
    [
      'maskedSoftmax NaN length',
      () => maskedSoftmax(scores(), [Number.NaN, 1]),
      InvalidArgumentError,
      /validLens must hold integers in \[0, keys = 3\]; got NaN/,
    ],
    [
      'maskedSoftmax Infinity length',
      () => maskedSoftmax(scores(), [Number.POSITIVE_INFINITY, 1]),
      InvalidArgumentError,
      /validLens .*got Infinity/,
    ],
    [
      'maskedSoftmax 3e9',
      () => maskedSoftmax(scores(), [3e9, 1]),
      InvalidArgumentError,
      /validLens .*got 3000000000/,
    ],
    ['maskedSoftmax ragged', () => maskedSoftmax(scores(), [[1, 2], [1]]), ShapeError, /validLens/],
    [
      'maskedSoftmax wrong shape',
      () => maskedSoftmax(scores(), [1, 2, 3]),
      ShapeError,
      /validLens must have shape/,
    ],
    [
      "causalMask(2, 3, 'top-left')",
      () => causalMask(2, 3, 'top-left' as never),
      InvalidArgumentError,
      /^causalMask: options must be an options object \{ alignment\? \} \(e\.g\. causalMask\(2, 3, \{ alignment: "top-left" \}\)\)/,
    ],
    [
      'causalMask align',
      () => causalMask(2, 3, { align: 'top-left' } as never),
      InvalidArgumentError,
      /unknown option 'align'.*Did you mean 'alignment'/,
    ],
    [
      'causalMask 1e9²',
      () => causalMask(1e9, 1e9),
      MemoryLimitError,
      /^causalMask: numQueries × numKeys of shape \(1000000000, 1000000000\) needs/,
    ],
    [
      'keepMask([true])',
      () => keepMask([true] as never),
      InvalidArgumentError,
      /^keepMask: mask must be a bool Tensor; got an array/,
    ],
    [
      'keepMask(undefined)',
      () => keepMask(undefined as never),
      InvalidArgumentError,
      /^keepMask: mask must be a bool Tensor; got undefined/,
    ],
    [
      'fromAdditiveMask +Infinity',
      () => fromAdditiveMask(tensor([0, Number.POSITIVE_INFINITY])),
      InvalidArgumentError,
      /mask \(additive\) must hold finite values or -Infinity .* got Infinity at flat index 1/,
    ],
    [
      'fromAdditiveMask bad option',
      () => fromAdditiveMask(tensor([0]), { thresh: 1 } as never),
      InvalidArgumentError,
      /Did you mean 'threshold'/,
    ],
    [
      'paddingMask strings',
      () => paddingMask(['1'] as never, 2),
      InvalidArgumentError,
      /paddingMask: validLens must hold numbers/,
    ],
    [
      'sequenceMask 1.5',
      () => sequenceMask(scores(), [1.5, 1]),
      InvalidArgumentError,
      /sequenceMask: validLens must hold integers in \[0, maxLen = 2\]; got 1\.5/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));

  it('rejects every non-integer or out-of-range length with the shared message (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: -5, max: 10 })), (v) => {
        const ok = Number.isInteger(v) && v >= 0 && v <= 3;
        const call = () => maskedSoftmax(scores(), [v, 1]);
        if (ok) expect(call).not.toThrow();
        else
          expect(call).toThrow(
            /^maskedSoftmax: validLens must hold integers in \[0, keys = 3\]; got .* at flat index 0\.$/,
          );
      }),
    );
  });
});
