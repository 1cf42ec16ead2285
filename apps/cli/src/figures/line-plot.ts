import * as Plot from '@observablehq/plot';
import { composeFigure, escapeXml, plotDocument } from './svg.js';

/** One named curve of a {@link linePlot}. */
export interface Series {
  readonly name: string;
  /** `[x, y]` points in drawing order. */
  readonly points: readonly (readonly [number, number])[];
  /** `'line'` (default), `'dot'` (markers only) or `'line+dot'`. */
  readonly mark?: 'line' | 'dot' | 'line+dot';
}

/** A labelled horizontal reference line (e.g. a baseline loss). */
export interface Rule {
  readonly y: number;
  readonly label: string;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly rules?: readonly Rule[];
  readonly width?: number;
  readonly height?: number;
  /** Fixed y range; by default it fits the data and the rules. */
  readonly yDomain?: readonly [number, number];
}

const PALETTE = ['#4e79a7', '#f28e2c', '#e15759', '#76b7b2', '#59a14f', '#edc949', '#af7aa1', '#ff9da7'];

/**
 * A line chart of several named series with a legend and optional horizontal reference lines,
 * rendered by Observable Plot as a standalone SVG document.
 */
export function linePlot(options: LinePlotOptions): string {
  const colors = options.series.map((_, i) => PALETTE[i % PALETTE.length]!);
  const marks: Plot.Markish[] = [Plot.frame({ stroke: '#ddd' })];
  for (const rule of options.rules ?? []) {
    marks.push(
      Plot.ruleY([rule.y], { stroke: '#888', strokeDasharray: '4,3' }),
      // Labelled at the right end of the line, with a white halo over the curves.
      Plot.text([rule], {
        y: 'y',
        text: 'label',
        frameAnchor: 'right',
        textAnchor: 'end',
        dx: -4,
        dy: -7,
        fill: '#444',
        stroke: 'white',
        strokeWidth: 3,
        paintOrder: 'stroke',
      }),
    );
  }
  options.series.forEach((series, i) => {
    const color = colors[i]!;
    const data = series.points.map(([x, y]) => ({ x, y }));
    const mark = series.mark ?? 'line';
    if (mark !== 'dot') marks.push(Plot.line(data, { x: 'x', y: 'y', stroke: color, strokeWidth: 1.5 }));
    if (mark !== 'line') marks.push(Plot.dot(data, { x: 'x', y: 'y', fill: color, r: 2.5 }));
  });
  const chart = Plot.plot({
    document: plotDocument(),
    width: options.width ?? 640,
    height: options.height ?? 360,
    marginLeft: 56,
    grid: true,
    x: { label: options.xLabel, labelAnchor: 'center', labelArrow: 'none', inset: 6 },
    y: {
      label: options.yLabel,
      labelArrow: 'none',
      ...(options.yDomain === undefined ? {} : { domain: [...options.yDomain] }),
    },
    marks,
  });
  return composeFigure({
    title: options.title,
    chart,
    legend: swatches(
      options.series.map((s) => s.name),
      colors,
    ),
  });
}

/** A row of colour swatches with their names. */
function swatches(names: readonly string[], colors: readonly string[]): string {
  let x = 56;
  return names
    .map((name, i) => {
      const item = `<rect x="${x}" y="6" width="12" height="12" fill="${colors[i]}"/><text x="${x + 16}" y="16">${escapeXml(name)}</text>`;
      x += 28 + 6.5 * name.length;
      return item;
    })
    .join('');
}
