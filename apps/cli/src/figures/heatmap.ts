import * as Plot from '@observablehq/plot';
import { composeFigure, escapeXml, formatTick, plotDocument } from './svg.js';

/** One matrix of a {@link heatmap}, row-major. */
export interface HeatmapPanel {
  /** Caption above the panel (e.g. `head 2`). */
  readonly label?: string;
  /** `rows × cols` values, row-major. */
  readonly values: ArrayLike<number>;
  readonly rows: number;
  readonly cols: number;
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** One or more matrices of the same size, laid out `columns` per row. */
  readonly panels: readonly HeatmapPanel[];
  /** Panels per row (default: all in one row, at most 4). */
  readonly columns?: number;
  /** An Observable Plot colour scheme (default `'viridis'`). */
  readonly scheme?: Plot.ColorScheme;
  /** Colour range; by default the data's [min, max]. */
  readonly domain?: readonly [number, number];
  /** Caption of the colour legend. */
  readonly legendLabel?: string;
  /** Side of one cell in pixels (default: fits a panel into about 360 px). */
  readonly cellSize?: number;
  /** Tick labels of the columns (default the column index). */
  readonly colLabels?: readonly string[];
  /** Tick labels of the rows (default the row index). */
  readonly rowLabels?: readonly string[];
}

interface Cell {
  readonly row: number;
  readonly col: number;
  readonly value: number;
  readonly fx: number;
  readonly fy: number;
}

/**
 * A heatmap (Observable Plot `cell` marks, row 0 at the top as matplotlib's `imshow` and D2L's
 * `show_heatmaps`) of one matrix or a grid of matrices sharing a colour scale, with a colour
 * legend, as a standalone SVG document.
 */
export function heatmap(options: HeatmapOptions): string {
  const { panels } = options;
  const first = panels[0];
  if (first === undefined) throw new Error('heatmap: at least one panel is needed.');
  const { rows, cols } = first;
  const columns = Math.max(1, Math.min(options.columns ?? Math.min(4, panels.length), panels.length));
  const gridRows = Math.ceil(panels.length / columns);
  const cell = options.cellSize ?? Math.max(3, Math.min(36, Math.floor(360 / Math.max(rows, cols))));

  const cells: Cell[] = [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  panels.forEach((panel, p) => {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const value = Number(panel.values[r * cols + c]);
        if (value < lo) lo = value;
        if (value > hi) hi = value;
        cells.push({ row: r, col: c, value, fx: p % columns, fy: Math.floor(p / columns) });
      }
    }
  });
  const domain: [number, number] =
    options.domain === undefined ? [lo, hi === lo ? lo + 1 : hi] : [...options.domain];
  const scheme = options.scheme ?? 'viridis';
  const hasLabels = panels.some((p) => p.label !== undefined);
  const facetGap = hasLabels ? 22 : 10;
  const margin = { top: hasLabels ? 22 : 8, right: 12, bottom: 44, left: 56 };

  const marks: Plot.Markish[] = [
    Plot.cell(cells, {
      x: 'col',
      y: 'row',
      fill: 'value',
      ...(panels.length > 1 ? { fx: 'fx', fy: 'fy' } : {}),
      inset: 0,
    }),
  ];
  if (hasLabels) {
    const labels = panels.map((p, i) => ({
      text: p.label ?? '',
      fx: i % columns,
      fy: Math.floor(i / columns),
    }));
    marks.push(
      Plot.text(labels, {
        text: 'text',
        frameAnchor: 'top',
        dy: -14,
        fontWeight: 'bold',
        ...(panels.length > 1 ? { fx: 'fx', fy: 'fy' } : {}),
      }),
    );
  }
  const band = (n: number, labels: readonly string[] | undefined) => {
    const step = Math.max(1, Math.ceil(n / (labels === undefined ? 10 : 40)));
    const ticks = Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
    return {
      domain: Array.from({ length: n }, (_, i) => i),
      ticks,
      padding: 0,
      tickFormat: (i: number) => (labels === undefined ? String(i) : (labels[i] ?? '')),
    };
  };
  const chart = Plot.plot({
    document: plotDocument(),
    width: margin.left + margin.right + columns * cols * cell + (columns - 1) * facetGap,
    height: margin.top + margin.bottom + gridRows * rows * cell + (gridRows - 1) * facetGap,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: {
      type: 'band',
      label: options.xLabel,
      labelAnchor: 'center',
      labelArrow: 'none',
      ...band(cols, options.colLabels),
    },
    y: {
      type: 'band',
      label: options.yLabel,
      labelAnchor: 'center',
      labelArrow: 'none',
      ...band(rows, options.rowLabels),
    },
    color: { type: 'linear', scheme, domain },
    ...(panels.length > 1
      ? {
          fx: { axis: null, paddingInner: facetGap / (cols * cell + facetGap) },
          fy: { axis: null, paddingInner: facetGap / (rows * cell + facetGap) },
        }
      : {}),
    marks,
  });
  const color = (chart as unknown as { scale(name: 'color'): { apply(v: number): string } }).scale('color');
  return composeFigure({
    title: options.title,
    chart,
    legend: rampLegend(domain, (v) => color.apply(v), options.legendLabel),
    legendHeight: 40,
  });
}

/** A horizontal colour ramp with min, middle and max labels (Plot's own ramp needs a canvas). */
function rampLegend(domain: readonly [number, number], color: (v: number) => string, label?: string): string {
  const [lo, hi] = domain;
  const x0 = 56;
  const width = 240; // fits MIN_WIDTH with the left margin
  const id = 'legend-ramp'; // one legend per document
  const stops = Array.from({ length: 11 }, (_, i) => {
    const t = i / 10;
    return `<stop offset="${t}" stop-color="${color(lo + t * (hi - lo))}"/>`;
  }).join('');
  const ticks = [0, 0.5, 1]
    .map(
      (t) =>
        `<text x="${x0 + t * width}" y="34" text-anchor="middle">${escapeXml(formatTick(lo + t * (hi - lo), hi - lo))}</text>`,
    )
    .join('');
  return [
    `<defs><linearGradient id="${id}">${stops}</linearGradient></defs>`,
    label === undefined ? '' : `<text x="${x0}" y="9">${escapeXml(label)}</text>`,
    `<rect x="${x0}" y="13" width="${width}" height="10" fill="url(#${id})"/>`,
    ticks,
  ].join('');
}
