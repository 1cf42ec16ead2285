import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance } from './edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions (kitten → sitting is 3)', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance(['K', 'AE', 'T'], ['K', 'AA', 'T', 'S'])).toBe(2);
    expect(editDistance([], ['A', 'B'])).toBe(2);
    expect(editDistance(['A'], [])).toBe(1);
  });

  it('is a metric: zero only for equal sequences, symmetric, bounded by the longer length, triangle inequality', () => {
    const seq = fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 6 });
    fc.assert(
      fc.property(seq, seq, seq, (a, b, c) => {
        const ab = editDistance(a, b);
        expect(ab === 0).toBe(a.join() === b.join());
        expect(ab).toBe(editDistance(b, a));
        expect(ab).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(ab).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(ab).toBeLessThanOrEqual(editDistance(a, c) + editDistance(c, b));
      }),
    );
  });

  it('throws InvalidArgumentError when an argument is not an array', () => {
    expect(() => editDistance(3 as unknown as number[], [])).toThrow(/hypothesis must be an array/);
  });
});
