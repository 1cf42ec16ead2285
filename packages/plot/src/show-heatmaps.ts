import { InvalidArgumentError } from '@attnkit/tensor';
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, loadVega, PIXELS_PER_INCH, renderSvg } from './internal/render.js';
import {
  checkFinite,
  checkOptions,
  flatValues,
  isTensor,
  type Numeric,
  shapeError,
} from './internal/values.js';

/** Options of {@link showHeatmaps}; the names and defaults are D2L's `show_heatmaps`. */
export interface ShowHeatmapsOptions {
  /** Title of the x axis, under the bottom row of panels (default `'Keys'`). */
  xlabel?: string;
  /** Title of the y axis, left of the first column of panels (default `'Queries'`). */
  ylabel?: string;
  /** One title per column of panels, as D2L's `titles[j]` (default none). */
  titles?: readonly string[];
  /** Size of the whole figure in inches `[width, height]`, 100 px per inch (default `[2.5, 2.5]`). */
  figsize?: readonly [number, number];
  /** Colour map: a matplotlib / Vega scheme name, case-insensitive (default `'Reds'`, D2L's). */
  cmap?: string;
  /** Low end of the shared colour bar (default the smallest value). */
  vmin?: number;
  /** High end of the shared colour bar (default the largest value). */
  vmax?: number;
  /** Tick labels of the keys (columns), e.g. the tokens (default the key index). */
  xticklabels?: readonly string[];
  /** Tick labels of the queries (rows), e.g. the tokens (default the query index). */
  yticklabels?: readonly string[];
  /** Title above the figure (default none). */
  title?: string;
}

const OPTION_TYPES = {
  xlabel: 'string',
  ylabel: 'string',
  titles: 'strings',
  figsize: 'pair',
  cmap: 'string',
  vmin: 'number',
  vmax: 'number',
  xticklabels: 'strings',
  yticklabels: 'strings',
  title: 'string',
} as const;

/** Axis ticks: every position with its label when labels are given, else round steps of the index. */
function axisTicks(n: number, labels: readonly string[] | undefined): object {
  if (labels === undefined) return { values: bandTicks(n) };
  return {
    values: Array.from({ length: n }, (_, i) => i),
    labelExpr: `${JSON.stringify(labels)}[datum.value]`,
  };
}

/** Tick values for a band axis of `n` positions: all of them up to 12, else about 8 round steps. */
function bandTicks(n: number): number[] {
  if (n <= 12) return Array.from({ length: n }, (_, i) => i);
  const raw = n / 8;
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((s) => s >= raw) ?? Math.ceil(raw);
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}

/**
 * A grid of heatmaps of attention weights sharing one colour bar, as an SVG document: D2L's
 * `d2l.show_heatmaps`. Panel `(i, j)` draws `matrices[i, j]` with query `q` as row `q` from the
 * top and key `k` as column `k` (matplotlib's `imshow`).
 *
 * Shapes: matrices (rows, cols, queries, keys)
 *
 * @param matrices - Values to draw, `(rows, cols, queries, keys)`: a grid of `rows × cols` panels.
 * @param options - Axis titles, per-column panel titles, figure size, colour map, colour bar range.
 * @returns A standalone SVG document (`<svg class="attnkit-plot" data-attnkit-plot="heatmaps" …>`);
 *   in a page, set it as an element's `innerHTML`; in Node, write it with `saveSvg` from `@attnkit/plot/node`.
 * @throws {@link ShapeError} if `matrices` is not a rank-4 tensor or has an empty axis.
 * @throws {@link InvalidArgumentError} for an unknown or mistyped option, NaN values, `titles` longer
 *   than the number of columns, tick labels not one per key / query, `vmin > vmax` or an unknown colour map.
 * @see D2L §11.1 "Queries, Keys, and Values" (`show_heatmaps`).
 * @example
 * ```ts
 * import { eye, reshape } from '@attnkit/tensor';
 * import { showHeatmaps } from '@attnkit/plot';
 * const svg = await showHeatmaps(reshape(eye(10), [1, 1, 10, 10]), { xlabel: 'Keys', ylabel: 'Queries' });
 * ```
 */
export async function showHeatmaps(matrices: Numeric, options: ShowHeatmapsOptions = {}): Promise<string> {
  const op = 'showHeatmaps';
  checkOptions(op, options, OPTION_TYPES);
  if (!isTensor(matrices) || matrices.shape.length !== 4)
    throw shapeError(
      op,
      'matrices',
      '(rows, cols, queries, keys)',
      isTensor(matrices) ? matrices.shape : [matrices.length],
    );
  const [numRows, numCols, queries, keys] = matrices.shape as [number, number, number, number];
  if (numRows * numCols * queries * keys === 0)
    throw shapeError(op, 'matrices', '(rows, cols, queries, keys) with no empty axis', matrices.shape);
  const { titles } = options;
  if (titles !== undefined && titles.length > numCols)
    throw new InvalidArgumentError(
      `${op}: titles has ${titles.length} entries; matrices has ${numCols} columns.`,
    );
  for (const [key, n, axis] of [
    ['xticklabels', keys, 'keys'],
    ['yticklabels', queries, 'queries'],
  ] as const) {
    const labels = options[key];
    if (labels !== undefined && labels.length !== n)
      throw new InvalidArgumentError(
        `${op}: ${key} has ${labels.length} entries; matrices has ${n} ${axis}.`,
      );
  }
  const cmap = (options.cmap ?? 'Reds').toLowerCase();
  if (!/^[a-z0-9]+$/.test(cmap) || (await loadVega())[0].scheme(cmap) === undefined)
    throw new InvalidArgumentError(
      `${op}: cmap '${options.cmap}' is not a Vega colour scheme (e.g. 'Reds', 'Blues', 'viridis').`,
    );
  const values = flatValues(matrices);
  checkFinite(op, 'matrices', values);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const vmin = options.vmin ?? lo;
  const vmax = options.vmax ?? (hi === vmin ? vmin + 1 : hi);
  if (!(vmin <= vmax))
    throw new InvalidArgumentError(`${op}: vmin (${vmin}) must not exceed vmax (${vmax}).`);

  const data = values.map((v, index) => {
    const k = index % keys;
    const q = Math.floor(index / keys) % queries;
    const panel = Math.floor(index / (keys * queries));
    return { i: Math.floor(panel / numCols), j: panel % numCols, q, k, v };
  });
  const [figW, figH] = options.figsize ?? [2.5, 2.5];
  // The panels share the figure as matplotlib's subplots do, with square cells (imshow's aspect).
  const cell = Math.max(
    2,
    Math.min(
      (figW * PIXELS_PER_INCH * 0.8) / (numCols * keys),
      (figH * PIXELS_PER_INCH * 0.8) / (numRows * queries),
    ),
  );
  const width = Math.max(24, Math.round(cell * keys));
  const height = Math.max(24, Math.round(cell * queries));
  const headerLabels = JSON.stringify(Array.from({ length: numCols }, (_, j) => titles?.[j] ?? ''));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title ? { title: options.title } : {}),
    data: { values: data },
    facet: {
      row: { field: 'i', type: 'ordinal', header: { title: null, labels: false } },
      column: {
        field: 'j',
        type: 'ordinal',
        header: titles
          ? { title: null, labelExpr: `${headerLabels}[datum.value]` }
          : { title: null, labels: false },
      },
    },
    spacing: { row: 10, column: 10 },
    spec: {
      width,
      height,
      mark: { type: 'rect', tooltip: false },
      encoding: {
        x: {
          field: 'k',
          type: 'ordinal',
          title: options.xlabel ?? 'Keys',
          axis: { ...axisTicks(keys, options.xticklabels), labelAngle: 0 },
        },
        y: {
          field: 'q',
          type: 'ordinal',
          title: options.ylabel ?? 'Queries',
          axis: axisTicks(queries, options.yticklabels),
        },
        color: {
          field: 'v',
          type: 'quantitative',
          title: null,
          scale: { scheme: cmap as 'reds', domain: [vmin, vmax], clamp: true },
          legend: {
            type: 'gradient',
            gradientLength: Math.max(40, Math.round((height * numRows + 10 * (numRows - 1)) * 0.6)),
            tickCount: 5,
          },
        },
      },
    },
    config: CONFIG,
  };
  return renderSvg(spec, 'heatmaps');
}
