import { InvalidArgumentError, ShapeError, tensor } from '@attnkit/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectSourceRows } from './select-source-rows.js';

const ints = (values: number[]) => tensor(Int32Array.from(values), { dtype: 'int32' });

describe('selectSourceRows', () => {
  it('keeps the sources, unchanged, when beam search expands them and reorders beams within each', () => {
    // Two sources expanded to 3 beams each: rows 0–2 decode source 0, rows 3–5 source 1.
    expect(selectSourceRows('f', ints([0, 0, 0, 1, 1, 1]), 1, 2)).toEqual({
      rowsPerSource: 3,
      sources: null,
    });
    // A step that keeps beams 2, 2, 0 of source 0 and 4, 3, 5 of source 1.
    expect(selectSourceRows('f', ints([2, 2, 0, 4, 3, 5]), 3, 2)).toEqual({
      rowsPerSource: 3,
      sources: null,
    });
  });

  it('names the sources to gather when a source leaves the search', () => {
    const { rowsPerSource, sources } = selectSourceRows('f', ints([3, 5, 4, 8, 8, 6]), 3, 3);
    expect(rowsPerSource).toBe(3);
    expect(Array.from(sources!.toTypedArray())).toEqual([1, 2]);
    expect(sources!.dtype).toBe('int32');
  });

  it('falls back to one source row per row when the rows of a source are not in equal runs', () => {
    const { rowsPerSource, sources } = selectSourceRows('f', ints([1, 1, 0]), 1, 2);
    expect(rowsPerSource).toBe(1);
    expect(Array.from(sources!.toTypedArray())).toEqual([1, 1, 0]);
  });

  it('describes every selection: new row i decodes the source of its old row (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 16 }),
        (numSources, group, picks) => {
          const rows = numSources * group;
          const indices = picks.map((p) => p % rows);
          const { rowsPerSource, sources } = selectSourceRows('f', ints(indices), group, numSources);
          expect(indices.length % rowsPerSource).toBe(0);
          const of = sources === null ? null : Array.from(sources.toTypedArray());
          indices.forEach((r, i) => {
            const s = Math.floor(i / rowsPerSource);
            expect(of === null ? s : of[s]).toBe(Math.floor(r / group));
          });
        },
      ),
    );
  });

  it('throws for indices that are not (n) int32 or lie outside the batch', () => {
    expect(() => selectSourceRows('f', tensor([0, 1]), 1, 2)).toThrow(ShapeError);
    expect(() => selectSourceRows('f', ints([0, 4]), 2, 2)).toThrow(
      new InvalidArgumentError('f: indices must lie in [0, 4); got 4 at index 1.'),
    );
    expect(() => selectSourceRows('f', ints([-1]), 2, 2)).toThrow(InvalidArgumentError);
  });
});
