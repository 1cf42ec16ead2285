import { formatShape, InvalidArgumentError, ShapeError, type Tensor, tensor } from '@attnkit/tensor';

/** What {@link selectSourceRows} returns. */
export interface SourceRowsSelection {
  /** Consecutive rows per source in the selected batch (the beam size in beam search). */
  readonly rowsPerSource: number;
  /**
   * The old source of every new source, `(newSources)` int32, to gather the per-source state with;
   * `null` when the new sources are the old ones in order (nothing to gather or copy).
   */
  readonly sources: Tensor | null;
}

/**
 * The sources behind a selection of decoder rows, for state that is shared by every row of one
 * source (the encoder outputs and the encoder–decoder keys and values): row `r` of a batch of
 * `numSources · rowsPerSource` rows decodes source `⌊r / rowsPerSource⌋`, and the rows `indices`
 * make a batch of `sources.length · rowsPerSource'` rows in the same layout.
 *
 * Shapes: indices (n) int32 -> sources (n / rowsPerSource') int32 | null
 *
 * @param op - The caller, for messages (e.g. `'Transformer.selectState'`).
 * @param indices - The old row of every new row.
 * @param rowsPerSource - Consecutive rows per source in the old batch (≥ 1).
 * @param numSources - Sources in the old batch.
 * @returns `rowsPerSource'`, the largest group size that keeps the layout (the gcd of the lengths
 *   of the runs of rows of one source: the beam size when every source keeps its beams), and the
 *   sources to gather, `null` when they are unchanged.
 * @throws {@link ShapeError} if `indices` is not 1-D int32.
 * @throws {@link InvalidArgumentError} if an index lies outside [0, numSources · rowsPerSource).
 * @remarks Beam search expands every source to `beamSize` rows and then reorders rows within a
 *   source at every step, so a model that keeps its per-source state at one row per source and
 *   attends with all rows of a source as queries of one batch entry copies that state only when
 *   a source leaves the search (and not at all while none does), instead of once per beam per step.
 * @example
 * ```ts
 * selectSourceRows('f', tensor([0, 0, 1, 1], { dtype: 'int32' }), 1, 2); // { rowsPerSource: 2, sources: null }
 * selectSourceRows('f', tensor([2, 3, 3, 2], { dtype: 'int32' }), 2, 2).sources; // int32 [1, 1]
 * ```
 */
export function selectSourceRows(
  op: string,
  indices: Tensor,
  rowsPerSource: number,
  numSources: number,
): SourceRowsSelection {
  if (indices.ndim !== 1 || indices.dtype !== 'int32') {
    throw new ShapeError(
      `${op}: indices must have shape (n) and dtype int32; got ${formatShape(indices.shape)} ${indices.dtype}.`,
    );
  }
  const rows = numSources * rowsPerSource;
  const of = Array.from(indices.toTypedArray(), (r, i) => {
    if (!(r >= 0 && r < rows)) {
      throw new InvalidArgumentError(`${op}: indices must lie in [0, ${rows}); got ${r} at index ${i}.`);
    }
    return Math.floor(r / rowsPerSource);
  });
  let group = 0;
  for (let start = 0, i = 1; i <= of.length; i++) {
    if (i === of.length || of[i] !== of[start]) {
      group = gcd(group, i - start);
      start = i;
    }
  }
  if (group === 0) return { rowsPerSource: 1, sources: tensor(new Int32Array(0), { dtype: 'int32' }) };
  const sources = of.filter((_, i) => i % group === 0);
  const same = sources.length === numSources && sources.every((s, i) => s === i);
  return {
    rowsPerSource: group,
    sources: same ? null : tensor(Int32Array.from(sources), { dtype: 'int32' }),
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
