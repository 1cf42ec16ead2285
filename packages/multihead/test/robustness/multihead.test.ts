import { InvalidArgumentError, randn, ShapeError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KVCache, MultiHeadAttention } from '../../src/index.js';

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

const mha = () => new MultiHeadAttention({ numHiddens: 4, numHeads: 2 });
const x = () => randn([2, 3, 4]);

describe('robustness: MultiHeadAttention options', () => {
  const cases: Case[] = [
    [
      'num_heads',
      () => new MultiHeadAttention({ numHiddens: 4, num_heads: 2 } as never),
      InvalidArgumentError,
      /^MultiHeadAttention: unknown option 'num_heads' in options\. Did you mean 'numHeads'\?/,
    ],
    [
      'no options',
      () => new (MultiHeadAttention as unknown as new () => unknown)(),
      InvalidArgumentError,
      /^MultiHeadAttention: options must be an options object .*got undefined/,
    ],
    [
      "bias: 'no'",
      () => new MultiHeadAttention({ numHiddens: 4, numHeads: 2, bias: 'no' as never }),
      InvalidArgumentError,
      /options\.bias must be a boolean/,
    ],
    [
      'rotary.interleave',
      () =>
        new MultiHeadAttention({
          numHiddens: 4,
          numHeads: 2,
          positional: 'rotary',
          rotary: { interleave: true } as never,
        }),
      InvalidArgumentError,
      /options\.rotary.*Did you mean 'interleaved'/,
    ],
    [
      'forward cache: {}',
      () => mha().forward(x(), x(), x(), undefined, { cache: {} as never }),
      InvalidArgumentError,
      /^MultiHeadAttention: options\.cache must be a KVCache or a KVCacheLayer; got an object/,
    ],
    [
      'forward causal',
      () => mha().forward(x(), x(), x(), undefined, { causal: true } as never),
      InvalidArgumentError,
      /Did you mean 'isCausal'/,
    ],
    [
      "forward needWeights: 'no'",
      () => mha().forward(x(), x(), x(), undefined, { needWeights: 'no' as never }),
      InvalidArgumentError,
      /needWeights must be a boolean/,
    ],
    [
      'forward options as 5th positional number',
      () => mha().forward(x(), x(), x(), undefined, 1 as never),
      InvalidArgumentError,
      /options must be an options object/,
    ],
    [
      'KVCache(2)',
      () => new KVCache(2 as never),
      InvalidArgumentError,
      /^KVCache: options must be an options object .*new KVCache\(\{ numLayers: 2 \}\)/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: MultiHeadAttention validLens give the same error on the plain and fused paths', () => {
  const bad: [string, unknown][] = [
    ['bool tensor', tensor([true, false])],
    ['1.5', [1.5, 2]],
    ['NaN', [Number.NaN, 2]],
    ['3e9', [3e9, 2]],
    ['too large', [4, 1]],
    ['strings', ['1', '2']],
    ['ragged', [[1, 2, 3], [1]]],
  ];
  it.each(bad)('%s', (_, lens) => {
    const m = mha();
    const plain = thrown(() => m.forward(x(), x(), x(), lens as never));
    const fused = thrown(() => m.forward(x(), x(), x(), lens as never, { needWeights: false }));
    expect([InvalidArgumentError, ShapeError].some((c) => plain instanceof c)).toBe(true);
    expect(fused.constructor).toBe(plain.constructor);
    expect(fused.message).toBe(plain.message);
    expect(plain.message).toMatch(/^MultiHeadAttention: validLens /);
  });

  it('gives finite outputs, equal on both paths, for random valid lengths (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }), (lens) => {
        const m = mha();
        m.eval();
        const input = x();
        const a = m.forward(input, input, input, lens).toTypedArray();
        const b = m.forward(input, input, input, lens, { needWeights: false }).toTypedArray();
        expect(a.every(Number.isFinite)).toBe(true);
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-5);
      }),
    );
  });
});
