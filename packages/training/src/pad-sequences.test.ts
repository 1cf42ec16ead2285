import { describe, expect, it } from 'vitest';
import { padSequences } from './pad-sequences.js';

describe('padSequences', () => {
  it('pads to the longest sequence and reports valid lengths', () => {
    const { tokens, validLens } = padSequences([[5, 6, 7], [8]], { padId: 0 });
    expect(tokens.toArray()).toEqual([
      [5, 6, 7],
      [8, 0, 0],
    ]);
    expect(validLens.toArray()).toEqual([3, 1]);
  });

  it('truncates to length as D2L truncate_pad', () => {
    const { tokens, validLens } = padSequences([[1, 2, 3, 4], [5]], { padId: 9, length: 2 });
    expect(tokens.toArray()).toEqual([
      [1, 2],
      [5, 9],
    ]);
    expect(validLens.toArray()).toEqual([2, 1]);
  });

  it('throws InvalidArgumentError for a too-long sequence without truncation, no sequences or unknown options', () => {
    expect(() => padSequences([[1, 2, 3]], { padId: 0, length: 2, truncate: false })).toThrow(
      /more than length 2/,
    );
    expect(() => padSequences([], { padId: 0 })).toThrow(/non-empty/);
    expect(() => padSequences([[1]], { padId: 0, pad: 1 } as never)).toThrow(/unknown options/);
  });
});
