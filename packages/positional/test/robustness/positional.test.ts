import { InvalidArgumentError, MemoryLimitError, randn, setMemoryLimit } from '@attnkit/tensor';
import { type ErrorClass, expectThrows } from '@attnkit/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  alibiBias,
  alibiSlopes,
  applyRotaryEmbedding,
  LearnedPositionalEncoding,
  PositionalEncoding,
  RelativePositionEmbedding,
  rotaryTables,
  sinusoidalEncoding,
} from '../../src/index.js';

/** One bad call: the call, the error class and a pattern naming the argument. */
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

const expectCase = ([, call, cls, pattern]: Case): void => {
  expectThrows(call, cls, pattern);
};

describe('robustness: positional options', () => {
  const cases: Case[] = [
    [
      'applyRotaryEmbedding interleave',
      () => applyRotaryEmbedding(randn([1, 1, 2, 4]), { interleave: true } as never),
      InvalidArgumentError,
      /^applyRotaryEmbedding: unknown option 'interleave' in options\. Did you mean 'interleaved'\?/,
    ],
    [
      "applyRotaryEmbedding interleaved: 'yes'",
      () => applyRotaryEmbedding(randn([1, 1, 2, 4]), { interleaved: 'yes' as never }),
      InvalidArgumentError,
      /options\.interleaved must be a boolean/,
    ],
    [
      'applyRotaryEmbedding rotary_dim',
      () => applyRotaryEmbedding(randn([1, 1, 2, 4]), { rotary_dim: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'rotaryDim'/,
    ],
    [
      'PositionalEncoding()',
      () => new (PositionalEncoding as unknown as new () => unknown)(),
      InvalidArgumentError,
      /^PositionalEncoding: options must be an options object/,
    ],
    [
      'PositionalEncoding num_hiddens',
      () => new PositionalEncoding({ num_hiddens: 4 } as never),
      InvalidArgumentError,
      /Did you mean 'numHiddens'/,
    ],
    [
      'PositionalEncoding.forward(X, 2)',
      () => new PositionalEncoding({ numHiddens: 4 }).forward(randn([1, 2, 4]), 2 as never),
      InvalidArgumentError,
      /forward: options must be an options object \{ offset\? \}/,
    ],
    [
      'LearnedPositionalEncoding max_len',
      () => new LearnedPositionalEncoding({ max_len: 4, numHiddens: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'maxLen'/,
    ],
    [
      'RelativePositionEmbedding head_dim',
      () => new RelativePositionEmbedding({ maxRelativePosition: 2, head_dim: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'headDim'/,
    ],
    [
      'alibiSlopes(4, "float64")',
      () => alibiSlopes(4, 'float64' as never),
      InvalidArgumentError,
      /^alibiSlopes: options must be an options object \{ dtype\? \}/,
    ],
    [
      'alibiBias align',
      () => alibiBias(2, 2, 2, { align: 'top-left' } as never),
      InvalidArgumentError,
      /Did you mean 'alignment'/,
    ],
    [
      'sinusoidalEncoding dtype',
      () => sinusoidalEncoding(2, 2, { dType: 'float64' } as never),
      InvalidArgumentError,
      /Did you mean 'dtype'/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));

  it('rejects every unknown key with the known keys or a suggestion (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }).map((k) => `x${k}`),
        (key) => {
          expect(() => sinusoidalEncoding(1, 2, { [key]: 1 } as never)).toThrow(
            /^sinusoidalEncoding: unknown option/,
          );
        },
      ),
    );
  });
});

describe('robustness: positional tables are size-checked', () => {
  beforeEach(() => setMemoryLimit(2 ** 30));
  afterEach(() => setMemoryLimit(undefined));
  const cases: Case[] = [
    [
      'sinusoidalEncoding 20000²',
      () => sinusoidalEncoding(20000, 20000),
      MemoryLimitError,
      /^sinusoidalEncoding: maxLen × numHiddens of shape \(20000, 20000\) needs/,
    ],
    [
      'PositionalEncoding maxLen 1e9',
      () => new PositionalEncoding({ numHiddens: 8, maxLen: 1e9 }),
      MemoryLimitError,
      /^sinusoidalEncoding: maxLen × numHiddens/,
    ],
    [
      'alibiBias 8 × 2e4 × 2e4',
      () => alibiBias(8, 20000, 20000),
      MemoryLimitError,
      /^alibiBias: numHeads × numQueries × numKeys/,
    ],
    ['rotaryTables 1e9', () => rotaryTables(1e9, 64), MemoryLimitError, /^rotaryTables: /],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});
