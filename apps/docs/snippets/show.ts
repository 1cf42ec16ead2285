// The figure API of the runnable snippets: `show(heatmap(...))` and `show(lineplot(...))`.
// A figure is plain data; the docs page draws it as SVG with Observable Plot, the Node test
// suite only records it. Modelled on D2L's `d2l.show_heatmaps` and `d2l.plot`.

/** Anything with a shape and a nested-array view: an attnkit `Tensor`. */
export interface ArrayLikeTensor {
  readonly shape: readonly number[];
  toArray(): unknown;
}

/** A grid of heatmaps sharing one colour scale (D2L `show_heatmaps`). */
export interface HeatmapFigure {
  kind: 'heatmap';
  title: string;
  xLabel: string;
  yLabel: string;
  /** One matrix per panel, `(rows, columns)` each. */
  panels: { title: string; values: number[][] }[];
  /** Colour scheme of Observable Plot (default `'reds'`, D2L's heatmap colours). */
  scheme: string;
}

/** Lines over one shared x axis (D2L `d2l.plot`). */
export interface LinePlotFigure {
  kind: 'lineplot';
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: { name: string; y: number[] }[];
  /** Points drawn as dots at their own x (e.g. training data). */
  scatter: { name: string; x: number[]; y: number[] }[];
}

export type Figure = HeatmapFigure | LinePlotFigure;

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** One title per panel (the leading axes, flattened). */
  titles?: readonly string[];
  /** Colour scheme, e.g. `'blues'` (default `'reds'`). */
  scheme?: string;
}

/** Options of {@link lineplot}. */
export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Series drawn as dots at their own x positions. */
  scatter?: Readonly<
    Record<string, { x: ArrayLikeTensor | readonly number[]; y: ArrayLikeTensor | readonly number[] }>
  >;
}

type FigureSink = (figure: Figure) => void;
let sink: FigureSink | null = null;

/** Where `show` sends figures: the worker posts them to the page, tests collect them. */
export function setFigureSink(next: FigureSink | null): void {
  sink = next;
}

/** Displays a figure below the snippet (a no-op when nothing listens). */
export function show(figure: Figure): void {
  sink?.(figure);
}

function isTensorLike(x: unknown): x is ArrayLikeTensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    'shape' in x &&
    typeof (x as ArrayLikeTensor).toArray === 'function'
  );
}

function toNumbers(x: ArrayLikeTensor | readonly number[]): number[] {
  const flat = isTensorLike(x) ? [x.toArray()].flat(Number.POSITIVE_INFINITY) : [...x];
  return flat.map(Number);
}

/**
 * A heatmap of a matrix, or a grid of them: leading axes of a tensor of rank > 2 become panels.
 *
 * Shapes: values (..., rows, columns)
 */
export function heatmap(values: ArrayLikeTensor | number[][], options: HeatmapOptions = {}): HeatmapFigure {
  const shape = isTensorLike(values) ? [...values.shape] : [values.length, values[0]?.length ?? 0];
  if (shape.length < 2)
    throw new Error(`heatmap: values must have at least 2 axes; got (${shape.join(', ')}).`);
  const cols = shape[shape.length - 1]!;
  const rows = shape[shape.length - 2]!;
  const flat = isTensorLike(values) ? toNumbers(values) : values.flat();
  const count = flat.length / (rows * cols);
  const panels = Array.from({ length: count }, (_, p) => ({
    title: options.titles?.[p] ?? (count > 1 ? `#${p}` : ''),
    values: Array.from({ length: rows }, (_, r) =>
      flat.slice(p * rows * cols + r * cols, p * rows * cols + (r + 1) * cols),
    ),
  }));
  return {
    kind: 'heatmap',
    title: options.title ?? '',
    xLabel: options.xLabel ?? 'Keys',
    yLabel: options.yLabel ?? 'Queries',
    panels,
    scheme: options.scheme ?? 'reds',
  };
}

/** Lines `series[name]` against `x`, all of the same length. */
export function lineplot(
  x: ArrayLikeTensor | readonly number[],
  series: Readonly<Record<string, ArrayLikeTensor | readonly number[]>>,
  options: LinePlotOptions = {},
): LinePlotFigure {
  const xs = toNumbers(x);
  const lines = Object.entries(series).map(([name, y]) => ({ name, y: toNumbers(y) }));
  for (const line of lines) {
    if (line.y.length !== xs.length) {
      throw new Error(`lineplot: series '${line.name}' has ${line.y.length} values; x has ${xs.length}.`);
    }
  }
  return {
    kind: 'lineplot',
    title: options.title ?? '',
    xLabel: options.xLabel ?? 'x',
    yLabel: options.yLabel ?? 'y',
    x: xs,
    series: lines,
    scatter: Object.entries(options.scatter ?? {}).map(([name, points]) => ({
      name,
      x: toNumbers(points.x),
      y: toNumbers(points.y),
    })),
  };
}
