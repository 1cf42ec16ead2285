import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseChoice, parseFraction, parseInteger, parsePositive, parseSeed, timestamp } from './options.js';

describe('parseInteger', () => {
  it('accepts integers at or above the minimum', () => {
    expect(parseInteger(1)('12')).toBe(12);
    expect(parseInteger(0)('0')).toBe(0);
  });

  it('throws InvalidArgumentError for negatives, fractions, text and empty values', () => {
    for (const bad of ['-5', '0', '1.5', 'ten', '', ' ']) {
      expect(() => parseInteger(1)(bad)).toThrow(InvalidArgumentError);
    }
  });
});

describe('parsePositive', () => {
  it('accepts positive numbers, and zero only when allowed', () => {
    expect(parsePositive()('3e-4')).toBeCloseTo(3e-4, 12);
    expect(parsePositive(true)('0')).toBe(0);
  });

  it('throws InvalidArgumentError for zero, negatives and non-numbers', () => {
    expect(() => parsePositive()('0')).toThrow(InvalidArgumentError);
    expect(() => parsePositive(true)('-1')).toThrow(InvalidArgumentError);
    expect(() => parsePositive()('Infinity')).toThrow(InvalidArgumentError);
    expect(() => parsePositive()('abc')).toThrow(InvalidArgumentError);
  });
});

describe('parseFraction', () => {
  it('accepts [0, 1) and, when closed, 1', () => {
    expect(parseFraction()('0.1')).toBeCloseTo(0.1, 12);
    expect(parseFraction(true)('1')).toBe(1);
  });

  it('throws InvalidArgumentError outside the interval', () => {
    expect(() => parseFraction()('1')).toThrow(InvalidArgumentError);
    expect(() => parseFraction()('-0.1')).toThrow(InvalidArgumentError);
  });
});

describe('parseSeed', () => {
  it('accepts any safe integer', () => {
    expect(parseSeed('-3')).toBe(-3);
  });

  it('throws InvalidArgumentError for fractions', () => {
    expect(() => parseSeed('0.5')).toThrow(InvalidArgumentError);
  });
});

describe('parseChoice', () => {
  it('accepts a listed choice and rejects others', () => {
    const parse = parseChoice(['a', 'b'] as const);
    expect(parse('b')).toBe('b');
    expect(() => parse('c')).toThrow(InvalidArgumentError);
  });
});

describe('timestamp', () => {
  it('formats the local time as a directory name', () => {
    expect(timestamp(new Date(2026, 10, 21, 8, 5, 9))).toBe('2026-11-21T08-05-09');
  });
});
