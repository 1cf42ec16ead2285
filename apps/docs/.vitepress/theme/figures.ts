// Draws the figures a snippet shows (see snippets/show.ts) as SVG with Observable Plot.
import * as Plot from '@observablehq/plot';
import type { Figure, HeatmapFigure, LinePlotFigure } from '../../snippets/show.js';

const WIDTH = 640;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** At most ~10 tick labels per band axis, so 60 positions stay readable. */
function ticks(n: number): number[] {
  const step = n <= 12 ? 1 : Math.ceil(n / 10 / 5) * 5;
  return range(n).filter((i) => i % step === 0);
}

function heatmapPlot(figure: HeatmapFigure): Element {
  const first = figure.panels[0];
  const rows = first?.values.length ?? 0;
  const cols = first?.values[0]?.length ?? 0;
  const perRow = Math.min(figure.panels.length, 5);
  const gridRows = Math.ceil(figure.panels.length / perRow);
  const titles = figure.panels.map((p, i) => p.title || `#${i}`);
  const data = figure.panels.flatMap((panel, p) =>
    panel.values.flatMap((row, r) =>
      row.map((value, c) => ({ fx: p % perRow, fy: Math.floor(p / perRow), title: titles[p], r, c, value })),
    ),
  );
  const faceted = figure.panels.length > 1;
  const panelWidth = Math.min(faceted ? WIDTH / perRow : 420, Math.max(140, cols * 24));
  const panelHeight = Math.max(60, Math.min(faceted ? 200 : 360, (panelWidth / Math.max(cols, 1)) * rows));
  return Plot.plot({
    title: figure.title || null,
    width: panelWidth * (faceted ? perRow : 1) + 80,
    height: panelHeight * gridRows + 70 + (faceted ? 20 * gridRows : 0),
    marginLeft: 50,
    padding: 0,
    x: { type: 'band', domain: range(cols), ticks: ticks(cols), label: figure.xLabel },
    y: { type: 'band', domain: range(rows), ticks: ticks(rows), label: figure.yLabel },
    ...(faceted ? { fx: { axis: null, padding: 0.12 }, fy: { axis: null, padding: 0.15 } } : {}),
    color: { type: 'linear', scheme: figure.scheme as Plot.ColorScheme, legend: true, label: 'value' },
    marks: [
      Plot.cell(data, {
        x: 'c',
        y: 'r',
        fill: 'value',
        inset: 0,
        ...(faceted ? { fx: 'fx', fy: 'fy' } : {}),
      }),
      ...(faceted
        ? [
            Plot.text(
              figure.panels.map((_, p) => ({ fx: p % perRow, fy: Math.floor(p / perRow), title: titles[p] })),
              { fx: 'fx', fy: 'fy', text: 'title', frameAnchor: 'top', dy: -14 },
            ),
          ]
        : []),
    ],
  });
}

function linePlot(figure: LinePlotFigure): Element {
  const lines = figure.series.flatMap((s) => s.y.map((y, i) => ({ x: figure.x[i], y, series: s.name })));
  const dots = figure.scatter.flatMap((s) => s.x.map((x, i) => ({ x, y: s.y[i], series: s.name })));
  return Plot.plot({
    title: figure.title || null,
    width: WIDTH,
    height: 320,
    grid: true,
    x: { label: figure.xLabel },
    y: { label: figure.yLabel },
    color: { legend: true, domain: [...figure.series, ...figure.scatter].map((s) => s.name) },
    marks: [
      Plot.dot(dots, { x: 'x', y: 'y', stroke: 'series', r: 2.5 }),
      Plot.line(lines, { x: 'x', y: 'y', stroke: 'series', strokeWidth: 1.75 }),
    ],
  });
}

/** An SVG (or a figure element wrapping one with a legend) for one figure. */
export function renderFigure(figure: Figure): Element {
  return figure.kind === 'heatmap' ? heatmapPlot(figure) : linePlot(figure);
}
