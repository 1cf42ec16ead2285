import {
  InvalidArgumentError,
  MemoryLimitError,
  NonFiniteError,
  setMemoryLimit,
  tensor,
} from '@attnkit/tensor';
import { type ErrorClass, expectThrows } from '@attnkit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AddNorm,
  PositionWiseFFN,
  TransformerDecoder,
  TransformerEncoder,
  TransformerEncoderBlock,
  TransformerLM,
} from '../../src/index.js';

/** One bad call: the call, the error class and a pattern naming the argument. */
type Case = readonly [string, () => unknown, ErrorClass, RegExp];

const expectCase = ([, call, cls, pattern]: Case): void => {
  expectThrows(call, cls, pattern);
};

const lmConfig = { vocabSize: 5, numHiddens: 4, numHeads: 2, numBlks: 1, ffnNumHiddens: 8, maxLen: 8 };
const lm = () => new TransformerLM(lmConfig);

describe('robustness: transformer configs and options', () => {
  const cases: Case[] = [
    [
      'TransformerLM numLayers',
      () => new TransformerLM({ ...lmConfig, numLayers: 2 } as never),
      InvalidArgumentError,
      /^TransformerLM: unknown option 'numLayers' in options\. Did you mean 'numBlks'\?/,
    ],
    [
      "TransformerLM tieWeights: 'yes'",
      () => new TransformerLM({ ...lmConfig, tieWeights: 'yes' as never }),
      InvalidArgumentError,
      /options\.tieWeights must be a boolean/,
    ],
    [
      'TransformerLM()',
      () => new (TransformerLM as unknown as new () => unknown)(),
      InvalidArgumentError,
      /^TransformerLM: options must be an options object/,
    ],
    [
      'TransformerEncoder num_blks',
      () =>
        new TransformerEncoder({
          vocabSize: 5,
          numHiddens: 4,
          ffnNumHiddens: 8,
          numHeads: 2,
          num_blks: 1,
        } as never),
      InvalidArgumentError,
      /Did you mean 'numBlks'/,
    ],
    [
      'TransformerDecoder()',
      () => new (TransformerDecoder as unknown as new () => unknown)(),
      InvalidArgumentError,
      /^TransformerDecoder: options must be an options object/,
    ],
    [
      'TransformerEncoderBlock use_bias',
      () =>
        new TransformerEncoderBlock({
          numHiddens: 4,
          ffnNumHiddens: 8,
          numHeads: 2,
          use_bias: true,
        } as never),
      InvalidArgumentError,
      /Did you mean 'useBias'/,
    ],
    [
      'AddNorm norm_shape',
      () => new AddNorm({ norm_shape: 4 } as never),
      InvalidArgumentError,
      /Did you mean 'normShape'/,
    ],
    [
      'PositionWiseFFN(8, 4)',
      () => new PositionWiseFFN(8 as never),
      InvalidArgumentError,
      /^PositionWiseFFN: options must be an options object/,
    ],
    [
      'generate without options',
      () => (lm().generate as (prompt: number[]) => unknown).call(lm(), [1]),
      InvalidArgumentError,
      /^TransformerLM\.generate: options must be an options object .*lm\.generate\(prompt, \{ maxNewTokens: 20 \}\).*got undefined/,
    ],
    [
      'generate max_new_tokens',
      () => lm().generate([1], { max_new_tokens: 2 } as never),
      InvalidArgumentError,
      /Did you mean 'maxNewTokens'/,
    ],
    [
      "forward needWeights: 'no'",
      () => lm().forward(tensor([[1, 2]], { dtype: 'int32' }), { needWeights: 'no' as never }),
      InvalidArgumentError,
      /needWeights must be a boolean/,
    ],
  ];
  it.each(cases)('%s', (...c) => expectCase(c));

  it('generate throws NonFiniteError on NaN logits instead of always picking the last id', () => {
    const model = lm();
    model.dense!.weight.nd.data.fill(Number.NaN);
    expect(() => model.generate([1, 2], { maxNewTokens: 3 })).toThrow(NonFiniteError);
    expect(() => model.generate([1, 2], { maxNewTokens: 3 })).toThrow(
      /^TransformerLM\.generate: the logits at position 2 are not finite/,
    );
  });
});

describe('robustness: TransformerLM parameters are size-checked before allocating', () => {
  beforeEach(() => setMemoryLimit(2 ** 30));
  afterEach(() => setMemoryLimit(undefined));
  it('throws MemoryLimitError for numHiddens 20000 before allocating anything', () => {
    expectCase([
      '',
      () =>
        new TransformerLM({
          ...lmConfig,
          vocabSize: 256,
          numHiddens: 20000,
          numHeads: 4,
          ffnNumHiddens: 64,
          maxLen: 64,
        }),
      MemoryLimitError,
      /^TransformerLM: parameters for numHiddens 20000, numBlks 1, vocabSize 256 of shape \(\d+\) needs/,
    ]);
  });
});
