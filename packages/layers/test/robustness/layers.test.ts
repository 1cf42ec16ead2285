import { InvalidArgumentError, MemoryLimitError, setMemoryLimit, tensor } from '@attnkit/tensor';
import { type ErrorClass, expectThrows } from '@attnkit/testing';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dropout, dropout, Embedding, GELU, LayerNorm, Linear, ReLU, Sequential } from '../../src/index.js';

/** One bad call: the call, the error class and a pattern naming the argument. */
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

const expectCase = ([, call, cls, pattern]: Case): void => {
  expectThrows(call, cls, pattern);
};

describe('robustness: layer configs are checked', () => {
  const cases: Case[] = [
    [
      "Linear bias: 'no'",
      () => new Linear({ inFeatures: 2, outFeatures: 2, bias: 'no' as never }),
      InvalidArgumentError,
      /^Linear: options\.bias must be a boolean/,
    ],
    [
      'Linear in_features',
      () => new Linear({ in_features: 2, outFeatures: 2 } as never),
      InvalidArgumentError,
      /unknown option 'in_features'.*Did you mean 'inFeatures'/,
    ],
    [
      'Linear()',
      () => new (Linear as unknown as new () => Linear)(),
      InvalidArgumentError,
      /^Linear: options must be an options object .*got undefined/,
    ],
    [
      'Linear(4)',
      () => new Linear(4 as never),
      InvalidArgumentError,
      /^Linear: options must be an options object/,
    ],
    [
      'Embedding num_embeddings',
      () => new Embedding({ num_embeddings: 3, embeddingDim: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'numEmbeddings'/,
    ],
    [
      'Embedding dtype int32',
      () => new Embedding({ numEmbeddings: 3, embeddingDim: 2, dtype: 'int32' as never }),
      InvalidArgumentError,
      /options\.dtype must be one of 'float32', 'float64'/,
    ],
    [
      'LayerNorm elementwise_affine',
      () => new LayerNorm({ normalizedShape: 2, elementwise_affine: false } as never),
      InvalidArgumentError,
      /Did you mean 'elementwiseAffine'/,
    ],
    [
      'LayerNorm elementwiseAffine: 0',
      () => new LayerNorm({ normalizedShape: 2, elementwiseAffine: 0 as never }),
      InvalidArgumentError,
      /elementwiseAffine must be a boolean/,
    ],
    [
      'Dropout(0.1)',
      () => new Dropout(0.1 as never),
      InvalidArgumentError,
      /^Dropout: options must be an options object \{ p\?, rng\? \} \(e\.g\. new Dropout\(\{ p: 0\.1 \}\)\)/,
    ],
    [
      "dropout training: 'yes'",
      () => dropout(tensor([1]), 0.5, { training: 'yes' as never }),
      InvalidArgumentError,
      /training must be a boolean/,
    ],
    [
      'GELU approx',
      () => new GELU({ approx: 'tanh' } as never),
      InvalidArgumentError,
      /Did you mean 'approximate'/,
    ],
    [
      'Sequential(1, 2)',
      () => new Sequential(1 as never, 2 as never),
      InvalidArgumentError,
      /^Sequential: modules\[0\] must be a Module with forward\(x\); got 1 \(a number\)/,
    ],
    [
      'Sequential.append({})',
      () => new Sequential().append({} as never),
      InvalidArgumentError,
      /Sequential\.append: module must be a Module/,
    ],
    [
      'loadStateDict(null)',
      () => new ReLU().loadStateDict(null as never),
      InvalidArgumentError,
      /^loadStateDict: state must be an object .*got null/,
    ],
    [
      'loadStateDict(tensor)',
      () => new ReLU().loadStateDict(tensor([1]) as never),
      InvalidArgumentError,
      /loadStateDict: state must be an object/,
    ],
    [
      'loadStateDict strict: 0',
      () => new ReLU().loadStateDict({}, { strict: 0 as never }),
      InvalidArgumentError,
      /options\.strict must be a boolean/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));

  it('rejects any non-boolean bias (property)', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'boolean' && v !== undefined),
        (bias) => {
          expect(() => new Linear({ inFeatures: 1, outFeatures: 1, bias: bias as boolean })).toThrow(
            /options\.bias must be a boolean/,
          );
        },
      ),
    );
  });
});

describe('robustness: parameters are size-checked before allocating', () => {
  beforeEach(() => setMemoryLimit(2 ** 30));
  afterEach(() => setMemoryLimit(undefined));
  const cases: Case[] = [
    [
      'Linear 4e4 × 4e4',
      () => new Linear({ inFeatures: 4e4, outFeatures: 4e4 }),
      MemoryLimitError,
      /^Linear: outFeatures × \(inFeatures \+ 1\) of shape \(40000, 40001\) needs/,
    ],
    [
      'lazy Linear',
      () => new Linear({ outFeatures: 4e4 }).forward(tensor(new Float32Array(4e4), { shape: [1, 4e4] })),
      MemoryLimitError,
      /^Linear: /,
    ],
    [
      'Embedding 1e9',
      () => new Embedding({ numEmbeddings: 1e9, embeddingDim: 4 }),
      MemoryLimitError,
      /^Embedding: numEmbeddings × embeddingDim of shape \(1000000000, 4\)/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));
});

describe('robustness: Module.train takes a real boolean', () => {
  it.each(['no', 0, 1, null])('train(%s) throws InvalidArgumentError naming mode', (mode) => {
    expect(() => new ReLU().train(mode as never)).toThrow(InvalidArgumentError);
    expect(() => new ReLU().train(mode as never)).toThrow(/^train: mode must be a boolean/);
  });
});
