import { InvalidArgumentError, ShapeError } from '@attnkit/tensor';
import { describe, expect, it } from 'vitest';
import { expectThrows } from './expect-throws.js';

const bad = (): never => {
  throw new InvalidArgumentError('f: validLens must hold integers; got 1.5.');
};

describe('expectThrows', () => {
  it('returns the error when the class and the message match', () => {
    expect(expectThrows(bad, InvalidArgumentError, /validLens/).message).toContain('1.5');
    expect(expectThrows(bad, Error, 'integers')).toBeInstanceOf(InvalidArgumentError);
  });

  it('fails when nothing is thrown', () => {
    expect(() => expectThrows(() => 1, InvalidArgumentError, /x/)).toThrow(/nothing was thrown/);
  });

  it('fails on another error class, quoting what was thrown', () => {
    expect(() => expectThrows(bad, ShapeError, /validLens/)).toThrow(
      /expected ShapeError; got InvalidArgumentError: f: validLens/,
    );
  });

  it('fails when the message does not name the argument', () => {
    expect(() => expectThrows(bad, InvalidArgumentError, /queries/)).toThrow(/matching \/queries\//);
  });
});
