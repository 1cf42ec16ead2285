import {
  InvalidArgumentError,
  MemoryLimitError,
  randn,
  ShapeError,
  setMemoryLimit,
  type Tensor,
  tensor,
} from '@attnkit/tensor';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AdditiveAttention,
  DotProductAttention,
  flashAttention,
  nadarayaWatson,
  scaledDotProductAttention,
} from '../../src/index.js';

type ErrorClass = new (...args: never[]) => Error;
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

function thrown(call: () => unknown): Error {
  try {
    call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to throw');
}

function expectCase([, call, cls, pattern]: Case): void {
  const e = thrown(call);
  expect(e).toBeInstanceOf(cls);
  expect(e.message).toMatch(pattern);
}

const q = () => tensor(new Float32Array(2 * 3 * 4), { shape: [2, 3, 4] });

describe('robustness: scoring options are checked', () => {
  const cases: Case[] = [
    [
      'sdpa causal',
      () => scaledDotProductAttention(q(), q(), q(), { causal: true } as never),
      InvalidArgumentError,
      /^scaledDotProductAttention: unknown option 'causal' in options\. Did you mean 'isCausal'\?/,
    ],
    [
      'sdpa attn_mask',
      () => scaledDotProductAttention(q(), q(), q(), { attn_mask: q() } as never),
      InvalidArgumentError,
      /Did you mean 'mask'/,
    ],
    [
      "sdpa isCausal: 'no'",
      () => scaledDotProductAttention(q(), q(), q(), { isCausal: 'no' as never }),
      InvalidArgumentError,
      /options\.isCausal must be a boolean/,
    ],
    [
      'sdpa mask: array',
      () => scaledDotProductAttention(q(), q(), q(), { mask: [[true]] as never }),
      InvalidArgumentError,
      /options\.mask must be a Tensor/,
    ],
    [
      'flash mask',
      () => flashAttention(q(), q(), q(), { mask: q() } as never),
      InvalidArgumentError,
      /^flashAttention: unknown option 'mask'/,
    ],
    [
      "flash isCausal: 'no'",
      () => flashAttention(q(), q(), q(), { isCausal: 'no' as never }),
      InvalidArgumentError,
      /^flashAttention: options\.isCausal must be a boolean/,
    ],
    [
      'flash isCausal: 1',
      () => flashAttention(q(), q(), q(), { isCausal: 1 as never }),
      InvalidArgumentError,
      /options\.isCausal must be a boolean/,
    ],
    [
      'AdditiveAttention()',
      () => new (AdditiveAttention as unknown as new () => unknown)(),
      InvalidArgumentError,
      /^AdditiveAttention: options must be an options object/,
    ],
    [
      'AdditiveAttention num_hiddens',
      () => new AdditiveAttention({ num_hiddens: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'numHiddens'/,
    ],
    [
      'DotProductAttention(0.1)',
      () => new DotProductAttention(0.1 as never),
      InvalidArgumentError,
      /^DotProductAttention: options must be an options object/,
    ],
    [
      'nadarayaWatson kernal',
      () => nadarayaWatson(tensor([1]), tensor([1]), tensor([1]), { kernal: 'boxcar' } as never),
      InvalidArgumentError,
      /Did you mean 'kernel'/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: sizes', () => {
  beforeEach(() => setMemoryLimit(2 ** 30));
  afterEach(() => setMemoryLimit(undefined));
  const cases: Case[] = [
    [
      'AdditiveAttention numHiddens 1e9',
      () => new AdditiveAttention({ numHiddens: 1e9, keySize: 4, querySize: 4 }),
      MemoryLimitError,
      /^AdditiveAttention: numHiddens × \(keySize \+ querySize \+ 1\) parameters of shape \(1000000000, 9\) needs/,
    ],
    [
      'sdpa with 30000 queries',
      () => {
        const big = tensor(new Float32Array(30000), { shape: [1, 30000, 1] });
        return scaledDotProductAttention(big, big, big);
      },
      MemoryLimitError,
      /^scaledDotProductAttention: scores \(\.\.\., queries, keys\) of shape \(1, 30000, 30000\)/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: validLens and masks give identical errors on the plain and fused paths', () => {
  const bad: [string, unknown][] = [
    ['1.5', [1.5, 2]],
    ['NaN', [Number.NaN, 2]],
    ['3e9', [3e9, 2]],
    ['-1', [-1, 2]],
    ['too large', [5, 2]],
    [
      'nested 1.5',
      [
        [1, 1, 1.5],
        [1, 1, 1],
      ],
    ],
    ['bool tensor', tensor([true, false])],
    ['strings', ['1', '2']],
    ['a number', 2],
  ];
  it.each(bad)('validLens %s', (_, lens) => {
    const plain = thrown(() => scaledDotProductAttention(q(), q(), q(), { validLens: lens as never }));
    const fused = thrown(() => flashAttention(q(), q(), q(), { validLens: lens as never }));
    expect(plain).toBeInstanceOf(InvalidArgumentError);
    expect(fused.constructor).toBe(plain.constructor);
    expect(plain.message).toMatch(/^scaledDotProductAttention: validLens /);
    expect(fused.message.replace('flashAttention', 'scaledDotProductAttention')).toBe(plain.message);
  });

  it('gives the same ShapeError for a wrong validLens shape', () => {
    const plain = thrown(() => scaledDotProductAttention(q(), q(), q(), { validLens: [1, 2, 3] }));
    const fused = thrown(() => flashAttention(q(), q(), q(), { validLens: [1, 2, 3] }));
    expect(plain).toBeInstanceOf(ShapeError);
    expect(fused.message.replace('flashAttention', 'scaledDotProductAttention')).toBe(plain.message);
  });

  it('rejects an additive mask holding +Infinity or NaN instead of giving NaN outputs', () => {
    for (const v of [Number.POSITIVE_INFINITY, Number.NaN]) {
      const mask = tensor([0, 0, v]);
      const e = thrown(() => scaledDotProductAttention(q(), q(), q(), { mask }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect(e.message).toMatch(
        /^scaledDotProductAttention: mask \(additive\) must hold finite values or -Infinity/,
      );
    }
  });

  it('gives finite outputs for any additive mask of finite values and -Infinity, and rejects +Infinity/NaN (property)', () => {
    const entry = fc.oneof(
      fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      fc.constant(Number.NEGATIVE_INFINITY),
      fc.constant(Number.POSITIVE_INFINITY),
      fc.constant(Number.NaN),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 9, maxLength: 9 }), (values) => {
        const mask = tensor(values, { shape: [3, 3], dtype: 'float32' });
        const x = randn([2, 3, 4]);
        const bad = values.some((v) => Number.isNaN(v) || v === Number.POSITIVE_INFINITY);
        const call = () => scaledDotProductAttention(x, x, x, { mask }).output;
        if (bad) expect(call).toThrow(/mask \(additive\) must hold finite values or -Infinity/);
        else expect(call().toTypedArray().every(Number.isFinite)).toBe(true);
      }),
    );
  });

  it('accepts every valid length and rejects every invalid one on both paths (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -3, max: 6 }), fc.double()), (v) => {
        const ok = Number.isInteger(v) && v >= 0 && v <= 3;
        const call = (f: typeof flashAttention) => () => f(q(), q(), q(), { validLens: [v, 1] });
        const sdpa = (a: Tensor, b: Tensor, c: Tensor, o: object) =>
          scaledDotProductAttention(a, b, c, o).output;
        if (ok) {
          expect(call(flashAttention)).not.toThrow();
          expect(call(sdpa as typeof flashAttention)).not.toThrow();
        } else {
          expect(call(flashAttention)).toThrow(
            /^flashAttention: validLens must hold integers in \[0, keys = 3\]/,
          );
          expect(call(sdpa as typeof flashAttention)).toThrow(
            /^scaledDotProductAttention: validLens must hold integers in \[0, keys = 3\]/,
          );
        }
      }),
    );
  });

  it('keeps finite outputs for random valid lengths (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 2 }), (lens) => {
        const x = randn([2, 3, 4]);
        const out = flashAttention(x, x, x, { validLens: lens }).toTypedArray();
        expect(out.every(Number.isFinite)).toBe(true);
      }),
    );
  });
});
