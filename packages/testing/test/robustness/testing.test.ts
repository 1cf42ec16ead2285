import { InvalidArgumentError, tensor } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { attentionInputs, checkGradients, expectClose, shapes, tensors, validLens } from '../../src/index.js';

type Case = readonly [string, () => unknown, RegExp];

describe('robustness: testing helpers check their options and constraints', () => {
  const cases: Case[] = [
    [
      'expectClose equal_nan',
      () => expectClose(tensor([1]), tensor([1]), { equal_nan: true } as never),
      /^expectClose: unknown option 'equal_nan' in options\. Did you mean 'equalNan'\?/,
    ],
    [
      "expectClose equalNan: 'yes'",
      () => expectClose(tensor([1]), tensor([1]), { equalNan: 'yes' as never }),
      /options\.equalNan must be a boolean/,
    ],
    [
      'checkGradients tol',
      () =>
        checkGradients((x) => x.sum(), [tensor([1], { dtype: 'float64', requiresGrad: true })], {
          tol: 1,
        } as never),
      /^checkGradients: unknown option 'tol'/,
    ],
    ['shapes max_rank', () => shapes({ max_rank: 2 } as never), /Did you mean 'maxRank'/],
    ['tensors(3)', () => tensors(3 as never), /^tensors: constraints must be an options object/],
    [
      'attentionInputs numQueries',
      () => attentionInputs({ numQueries: 2 } as never),
      /^attentionInputs: unknown option 'numQueries'/,
    ],
    ['validLens num_keys', () => validLens({ batch: 2, num_keys: 3 } as never), /Did you mean 'numKeys'/],
  ];
  it.each(cases)('%s', (_, call, pattern) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(pattern);
  });
});
