import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetsInto, offsetsOf } from './shape.js';

/** The offsets by definition: offset + Σ index[ax] · stride[ax] for every index, row-major. */
function naive(shape: readonly number[], stride: readonly number[], offset: number): number[] {
  const out: number[] = [];
  const visit = (ax: number, o: number): void => {
    if (ax === shape.length) {
      out.push(o);
      return;
    }
    for (let i = 0; i < shape[ax]!; i++) visit(ax + 1, o + i * stride[ax]!);
  };
  visit(0, offset);
  return out;
}

describe('offsetsOf / offsetsInto', () => {
  it('give offset + Σ index·stride for every index in row-major order (0–4 axes, zero and negative strides)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ size: fc.integer({ min: 0, max: 5 }), stride: fc.integer({ min: -7, max: 40 }) }),
          {
            maxLength: 4,
          },
        ),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 6 }),
        (axes, offset, at) => {
          const shape = axes.map((a) => a.size);
          const stride = axes.map((a) => a.stride);
          const want = naive(shape, stride, offset);
          expect(Array.from(offsetsOf(shape, stride, offset))).toEqual(want);
          // Into a larger table at `at`: the entries before and after stay untouched.
          const table = new Int32Array(at + want.length + 3).fill(-1);
          offsetsInto(table, at, shape, stride, offset);
          expect(Array.from(table)).toEqual([...new Array(at).fill(-1), ...want, -1, -1, -1]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
